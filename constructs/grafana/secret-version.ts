/** Reads one Secret Manager secret version, so sensitive fields get a reference, never a value. */
import { Construct } from '../framework';
import { parseSecretRef } from '../google/secret-ref';
import { DataGoogleSecretManagerSecretVersion } from './bindings';

/** Props of {@link SecretVersion}. */
export interface SecretVersionProps {
  /**
   * The secret version reference, `projects/<project>/secrets/<name>/versions/<version>`.
   *
   * `<version>` is a number or `latest`.
   */
  readonly reference: string;
}

/**
 * A `google_secret_manager_secret_version` data source. Terraform reads the payload at plan
 * time; the configuration only holds the reference, and `value` is a Terraform expression.
 * The payload does end up in the Terraform state, like every sensitive attribute, so the state
 * bucket must be as tightly held as the secret.
 */
export class SecretVersion extends Construct {
  /** The data source. */
  readonly resource: DataGoogleSecretManagerSecretVersion;
  /** The secret payload, as a Terraform reference to the data source. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: SecretVersionProps) {
    super(scope, id);
    const ref = parseSecretRef(props.reference);
    this.resource = new DataGoogleSecretManagerSecretVersion(this, 'Resource', {
      project: ref.project,
      secret: ref.name,
      version: ref.version,
    });
    this.value = this.resource.secretData;
  }
}
