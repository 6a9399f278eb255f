/**
 * The Cloud Storage bucket that holds the Terraform state of every other stack. State carries
 * secrets (the Redis AUTH string, notification tokens), so the bucket is private by construction:
 * uniform bucket-level access, public access prevention enforced, object versioning, a soft-delete
 * window and a lifecycle that keeps a bounded history of old state versions.
 *
 * Not a retention policy (bucket lock): it forbids replacing or deleting an object until it is
 * old enough, and Terraform replaces the state object on every apply and deletes its lock object
 * after every run. Versioning plus soft delete keep every overwritten or deleted state
 * recoverable instead.
 */
import { Construct, type ITerraformDependable } from '../framework';
import { StorageBucket } from './bindings';

/** Properties of {@link StateBucket}. */
export interface StateBucketProps {
  /**
   * Project of the bucket.
   */
  readonly project: string;
  /**
   * Globally unique bucket name.
   */
  readonly name: string;
  /**
   * Bucket location: a region (`europe-west1`) or a multi-region (`EU`).
   */
  readonly location: string;
  /**
   * Days a deleted or overwritten object stays restorable (soft delete): 7–90, Cloud Storage's range.
   */
  readonly softDeleteDays: number;
  /**
   * Noncurrent (overwritten) state versions kept per object; older ones are deleted.
   */
  readonly noncurrentVersionsKept: number;
  /**
   * Cloud KMS key the bucket encrypts new objects with; the Cloud Storage service agent needs
   * `cryptoKeyEncrypterDecrypter` on it, and the key must be in the bucket's location.
   *
   * @default - Google-managed encryption
   */
  readonly kmsKeyName?: string;
  /**
   * Resources the bucket waits for (the key grant of the Cloud Storage service agent).
   *
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** The Terraform state bucket. */
export class StateBucket extends Construct {
  /** The bucket. */
  readonly resource: StorageBucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const problems: string[] = [];
    // Cloud Storage "Soft delete": a retention duration of 0 (off) or 7–90 days.
    if (!Number.isInteger(props.softDeleteDays) || props.softDeleteDays < 7 || props.softDeleteDays > 90) {
      problems.push(`softDeleteDays must be 7–90, got ${props.softDeleteDays}`);
    }
    if (!Number.isInteger(props.noncurrentVersionsKept) || props.noncurrentVersionsKept < 1) {
      problems.push(`noncurrentVersionsKept must be a positive integer, got ${props.noncurrentVersionsKept}`);
    }
    if (problems.length > 0) throw new Error(`state bucket ${props.name}: ${problems.join('; ')}`);
    this.resource = new StorageBucket(this, 'Resource', {
      project: props.project,
      name: props.name,
      location: props.location,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true, // CKV_GCP_29
      publicAccessPrevention: 'enforced', // CKV_GCP_114
      versioning: { enabled: true }, // CKV_GCP_78
      softDeletePolicy: { retentionDurationSeconds: props.softDeleteDays * 86_400 },
      lifecycleRule: [
        {
          // Only noncurrent versions: the live state object is never touched by the lifecycle.
          condition: { withState: 'ARCHIVED', numNewerVersions: props.noncurrentVersionsKept },
          action: { type: 'Delete' },
        },
      ],
      encryption: props.kmsKeyName ? { defaultKmsKeyName: props.kmsKeyName } : undefined,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
      dependsOn: props.dependsOn,
    });
  }
}
