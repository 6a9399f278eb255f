/**
 * The identity the API's Cloud Run revisions run as: a dedicated service account that may read
 * exactly the secrets the service references, connect to Cloud SQL, and write its own logs,
 * metrics and traces. Nothing else: no editor role, no default compute account.
 */
import { Construct } from '../framework';
import { ProjectIamMember, SecretManagerSecretIamMember, ServiceAccount } from './bindings';
import { parseSecretRef } from './secret-ref';

/** Properties of {@link RuntimeServiceAccount}. */
export interface RuntimeServiceAccountProps {
  /**
   * Project the account lives in.
   */
  readonly project: string;
  /**
   * Account id (6–30 characters), the part before `@`.
   */
  readonly accountId: string;
  /**
   * Secret version references the service reads; the account gets `secretAccessor` on each
   * secret (not on the project).
   *
   * @default - no secrets
   */
  readonly secretRefs?: readonly string[];
}

/** Project roles of the runtime account, each with why it is needed. */
export const RUNTIME_PROJECT_ROLES: readonly string[] = [
  'roles/cloudsql.client', // connect to Cloud SQL with IAM-authorised connections
  'roles/cloudsql.instanceUser', // log in to the database with IAM database authentication
  'roles/logging.logWriter', // structured logs
  'roles/monitoring.metricWriter', // custom metrics
  'roles/cloudtrace.agent', // traces
];

/** A least-privilege runtime service account and its bindings. */
export class RuntimeServiceAccount extends Construct {
  /** The account. */
  readonly resource: ServiceAccount;
  /** Its e-mail address, for the Cloud Run template. */
  readonly email: string;

  constructor(scope: Construct, id: string, props: RuntimeServiceAccountProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(props.accountId)) {
      throw new Error(`runtime service account id ${props.accountId} must be 6-30 characters of a-z, 0-9 and -`);
    }
    this.resource = new ServiceAccount(this, 'Resource', {
      project: props.project,
      accountId: props.accountId,
      displayName: `Cloud Run runtime: ${props.accountId}`,
    });
    this.email = this.resource.email;
    const member = `serviceAccount:${this.resource.email}`;
    for (const role of RUNTIME_PROJECT_ROLES) {
      new ProjectIamMember(this, `Role-${role.replace('roles/', '')}`, { project: props.project, role, member });
    }
    const secrets = [...new Set((props.secretRefs ?? []).map((r) => parseSecretRef(r).secretId))].sort();
    for (const secretId of secrets) {
      const ref = parseSecretRef(`${secretId}/versions/latest`);
      new SecretManagerSecretIamMember(this, `SecretAccessor-${ref.project}-${ref.name}`, {
        project: ref.project,
        secretId,
        role: 'roles/secretmanager.secretAccessor',
        member,
      });
    }
  }
}
