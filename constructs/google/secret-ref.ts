/**
 * Secret Manager references as the environment config writes them
 * (`projects/<project>/secrets/<name>/versions/<version>`), split into the parts Cloud Run and IAM
 * take. Only the reference ever reaches Terraform; the secret value never does.
 */
import { SECRET_REF_RE } from '../../environments/schema';

/** The parts of a secret version reference. */
export interface SecretRef {
  /** Project that holds the secret. */
  readonly project: string;
  /** Secret name (its short id). */
  readonly name: string;
  /** Version: a number or `latest`. */
  readonly version: string;
  /** Secret resource id `projects/<project>/secrets/<name>`, as IAM and Cloud Run accept it. */
  readonly secretId: string;
}

/** Parses a secret version reference; throws on anything else. */
export function parseSecretRef(ref: string): SecretRef {
  if (!SECRET_REF_RE.test(ref)) {
    throw new Error(`secret reference ${JSON.stringify(ref)} is not projects/<project>/secrets/<name>/versions/<version>`);
  }
  const [, project = '', , name = '', , version = ''] = ref.split('/');
  return { project, name, version, secretId: `projects/${project}/secrets/${name}` };
}
