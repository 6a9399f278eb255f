/**
 * A Secret Manager secret whose value Google generates on another resource, such as the AUTH
 * string of a Memorystore instance. Terraform copies that attribute into a secret version, so the
 * service reads it by reference like every other secret. The synthesized configuration holds only
 * the attribute reference. The value itself lives in Terraform state, which already holds it as an
 * attribute of the source resource.
 */
import { Construct, Token } from '../framework';
import type { SecretManagerSecret, SecretManagerSecretVersion } from './bindings';
import { regionalSecret } from './regional-secret';

/** Properties of {@link DerivedSecret}. */
export interface DerivedSecretProps {
  /**
   * Project of the secret.
   */
  readonly project: string;
  /**
   * Secret id (short name).
   */
  readonly secretId: string;
  /**
   * Region the secret is replicated to. Keeping it in the region of its source means a region
   * holds its own credentials.
   */
  readonly region: string;
  /**
   * The value: a reference to the generating resource's attribute, never a literal.
   */
  readonly value: string;
  /**
   * Members (`serviceAccount:…`) that get `secretAccessor` on this secret only.
   *
   * @default - no accessors
   */
  readonly accessors?: readonly string[];
  /**
   * Cloud KMS key in `region` that encrypts the secret's replica there. The Secret Manager service
   * agent needs `cryptoKeyEncrypterDecrypter` on it.
   *
   * @default - Google-managed encryption
   */
  readonly kmsKeyName?: string;
}

/** A secret filled from another resource's generated attribute. */
export class DerivedSecret extends Construct {
  /** The secret. */
  readonly resource: SecretManagerSecret;
  /** Its current version; reference it (not `latest`) to deploy after the version exists. */
  readonly version: SecretManagerSecretVersion;

  constructor(scope: Construct, id: string, props: DerivedSecretProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.value)) {
      throw new Error(`derived secret ${props.secretId}: value must be a reference to another resource's attribute, not a literal`);
    }
    ({ resource: this.resource, version: this.version } = regionalSecret(this, props, props.value));
  }
}
