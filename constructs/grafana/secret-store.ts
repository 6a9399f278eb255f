/** Reads Secret Manager secrets for the Grafana resources that need them. */
import { Construct } from '../framework';
import { SecretVersion } from './secret-version';

/**
 * One `SecretVersion` per distinct reference: two contact points that share a token read it
 * once. The stack must have a Google provider (constructs/google/google-provider.ts).
 */
export class SecretStore extends Construct {
  private readonly versions = new Map<string, SecretVersion>();

  /** The payload of the secret version `reference`, as a Terraform reference (never the value). */
  value(reference: string): string {
    let version = this.versions.get(reference);
    if (!version) {
      // The id follows the reference, so reordering contact points never replaces a data source.
      const id = reference.replace(/^projects\//, '').replace(/[^A-Za-z0-9_-]+/g, '-');
      version = new SecretVersion(this, id, { reference });
      this.versions.set(reference, version);
    }
    return version.value;
  }
}
