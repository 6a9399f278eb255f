/** Reads one Secret Manager secret version at plan time, so a credential is never a literal. */
import type { SecretVersionRef } from '../../../alerts/cloud-monitoring/model';
import { Construct } from '../../framework';
import { DataGoogleSecretManagerSecretVersion } from '../monitoring-bindings';

/** Props of {@link SecretVersionValue}. */
export interface SecretVersionValueProps {
  /**
   * The secret version to read.
   *
   * Parsed from a `projects/<p>/secrets/<name>/versions/<v>` reference by the plan.
   */
  readonly secret: SecretVersionRef;
}

/**
 * A `google_secret_manager_secret_version` data source. Terraform reads the value when it plans;
 * it lands in state (as every notification channel credential does), never in the synthesized
 * configuration.
 */
export class SecretVersionValue extends Construct {
  /** The data source. */
  public readonly resource: DataGoogleSecretManagerSecretVersion;
  /** Token of the secret's value. */
  public readonly value: string;

  constructor(scope: Construct, id: string, props: SecretVersionValueProps) {
    super(scope, id);
    const { project, secret, version } = props.secret;
    this.resource = new DataGoogleSecretManagerSecretVersion(this, 'Resource', { project, secret, version });
    this.value = this.resource.secretData;
  }
}
