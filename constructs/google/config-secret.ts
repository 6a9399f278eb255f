/**
 * A Secret Manager secret that carries a configuration file (not a credential) to a Cloud Run
 * service, which mounts it as a file. Cloud Run volumes come from Secret Manager, so that is how
 * a sidecar such as the Managed Service for Prometheus collector gets its configuration
 * (https://cloud.google.com/run/docs/configuring/services/secrets). The text is generated from
 * the environment, written as a literal (the stack escapes Terraform's template sequences in it),
 * and lives in the configuration and state like any other setting.
 */
import { Construct, Token } from '../framework';
import type { SecretManagerSecret, SecretManagerSecretVersion } from './bindings';
import { regionalSecret } from './regional-secret';

/** Properties of {@link ConfigSecret}. */
export interface ConfigSecretProps {
  /**
   * Project of the secret.
   */
  readonly project: string;
  /**
   * Secret id (short name).
   */
  readonly secretId: string;
  /**
   * Region the secret is replicated to: the region of the service that mounts it.
   */
  readonly region: string;
  /**
   * The file's text: literal configuration, never a credential.
   */
  readonly text: string;
  /**
   * Members (`serviceAccount:…`) that get `secretAccessor` on this secret only.
   *
   * @default - no accessors
   */
  readonly accessors?: readonly string[];
  /**
   * Cloud KMS key in `region` that encrypts the secret's replica there.
   *
   * @default - Google-managed encryption
   */
  readonly kmsKeyName?: string;
}

/** A configuration file kept in Secret Manager for a Cloud Run volume. */
export class ConfigSecret extends Construct {
  /** The secret. */
  readonly resource: SecretManagerSecret;
  /** Its current version; mount it (not `latest`) so a new text rolls out a new revision. */
  readonly version: SecretManagerSecretVersion;

  constructor(scope: Construct, id: string, props: ConfigSecretProps) {
    super(scope, id);
    if (Token.isUnresolved(props.text)) {
      throw new Error(`config secret ${props.secretId}: text must be literal configuration, not a reference`);
    }
    if (props.text.trim() === '') throw new Error(`config secret ${props.secretId}: text is empty`);
    ({ resource: this.resource, version: this.version } = regionalSecret(this, props, props.text));
  }
}
