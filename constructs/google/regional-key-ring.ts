/**
 * Customer-managed encryption keys of one region: a Cloud KMS key ring and one symmetric key per
 * consumer (Cloud SQL, Memorystore, Cloud Run, Secret Manager), each usable only by the service
 * agent that encrypts with it. CMEK keys must sit in the region of the data they protect, so every
 * region has its own ring. Key rings and key versions cannot be deleted, and destroying a key makes
 * its data unreadable, so Terraform refuses to destroy the keys (CKV_GCP_82).
 */
import { Construct, type ITerraformDependable } from '../framework';
import { KmsCryptoKey, KmsCryptoKeyIamMember, KmsKeyRing } from './bindings';

/** One key of the ring. */
export interface RegionalKeyProps {
  /**
   * Key name, unique in the ring.
   */
  readonly name: string;
  /**
   * IAM members (usually one service agent) granted `roles/cloudkms.cryptoKeyEncrypterDecrypter`
   * on this key only.
   */
  readonly encrypters: readonly string[];
}

/** Properties of {@link RegionalKeyRing}. */
export interface RegionalKeyRingProps {
  /**
   * Project of the key ring.
   */
  readonly project: string;
  /**
   * Key ring name (never reusable: key rings cannot be deleted).
   */
  readonly name: string;
  /**
   * Region of the ring and its keys, the region of the data they encrypt.
   */
  readonly location: string;
  /**
   * The keys.
   */
  readonly keys: readonly RegionalKeyProps[];
  /**
   * Days between automatic rotations (a new primary version; old versions keep decrypting).
   */
  readonly rotationPeriodDays: number;
  /**
   * Resources the key ring waits for (the Cloud KMS API).
   *
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** Longest rotation period CIS GCP 1.10 and checkov CKV_GCP_43 accept: 90 days. */
export const MAX_KEY_ROTATION_DAYS = 90;

/** A regional key ring with one key per consumer. */
export class RegionalKeyRing extends Construct {
  /** The key ring. */
  readonly ring: KmsKeyRing;
  /** The keys, by name. */
  readonly keys: ReadonlyMap<string, KmsCryptoKey>;
  /** Every `cryptoKeyEncrypterDecrypter` grant, for resources that must wait for them. */
  readonly encrypterGrants: readonly KmsCryptoKeyIamMember[];

  constructor(scope: Construct, id: string, props: RegionalKeyRingProps) {
    super(scope, id);
    const days = props.rotationPeriodDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_KEY_ROTATION_DAYS) {
      throw new Error(`key ring ${props.name}: rotationPeriodDays must be 1–${MAX_KEY_ROTATION_DAYS}, got ${days}`);
    }
    const keyNames = props.keys.map((k) => k.name);
    if (new Set(keyNames).size !== keyNames.length) throw new Error(`key ring ${props.name}: key names repeat (${keyNames.join(', ')})`);
    const grants: KmsCryptoKeyIamMember[] = [];
    this.ring = new KmsKeyRing(this, 'Resource', {
      project: props.project,
      name: props.name,
      location: props.location,
      dependsOn: props.dependsOn,
    });
    this.keys = new Map(
      props.keys.map((k) => {
        const key = new KmsCryptoKey(this, `Key-${k.name}`, {
          name: k.name,
          keyRing: this.ring.id,
          purpose: 'ENCRYPT_DECRYPT',
          rotationPeriod: `${days * 86_400}s`,
          lifecycle: { preventDestroy: true },
        });
        k.encrypters.forEach((member, i) => {
          grants.push(
            new KmsCryptoKeyIamMember(this, `Encrypter-${k.name}-${i}`, {
              cryptoKeyId: key.id,
              role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
              member,
            }),
          );
        });
        return [k.name, key];
      }),
    );
    this.encrypterGrants = grants;
  }
}
