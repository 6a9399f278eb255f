/**
 * The resources every secret of this package is made of: a Secret Manager secret replicated to one
 * region only (optionally under a customer-managed key there), its one version, and
 * `secretAccessor` for the given members on this secret alone. `ConfigSecret` and `DerivedSecret`
 * differ only in what the version holds (a literal configuration text, or a reference to another
 * resource's attribute) and check that before they call this.
 */
import type { Construct } from '../framework';
import { SecretManagerSecret, SecretManagerSecretIamMember, SecretManagerSecretVersion } from './bindings';

/** Where a regional secret lives and who reads it. */
export interface RegionalSecretProps {
  readonly project: string;
  readonly secretId: string;
  readonly region: string;
  readonly accessors?: readonly string[];
  readonly kmsKeyName?: string;
}

/** Creates the secret, its version holding `data`, and its accessors under `scope`. */
export function regionalSecret(
  scope: Construct,
  props: RegionalSecretProps,
  data: string,
): { resource: SecretManagerSecret; version: SecretManagerSecretVersion } {
  const resource = new SecretManagerSecret(scope, 'Resource', {
    project: props.project,
    secretId: props.secretId,
    replication: {
      userManaged: {
        replicas: [
          {
            location: props.region,
            customerManagedEncryption: props.kmsKeyName ? { kmsKeyName: props.kmsKeyName } : undefined,
          },
        ],
      },
    },
  });
  const version = new SecretManagerSecretVersion(scope, 'Version', { secret: resource.id, secretData: data });
  for (const [i, member] of (props.accessors ?? []).entries()) {
    new SecretManagerSecretIamMember(scope, `Accessor${i}`, {
      project: props.project,
      secretId: resource.id,
      role: 'roles/secretmanager.secretAccessor',
      member,
    });
  }
  return { resource, version };
}
