/**
 * Data Access audit logs for the services the platform creates: who read a secret, used a key,
 * or changed and read the configuration of a database, cache or service. Cloud SQL's pgAudit
 * records (`cloudsql.enable_pgaudit`) are also written to the Data Access log, so without this they
 * are dropped. Admin Activity logs are always on and need nothing here.
 */
import { Construct } from '../framework';
import { ProjectIamAuditConfig } from './bindings';

/** The three Data Access log types ("Data Access audit logs": ADMIN_READ, DATA_READ, DATA_WRITE). */
export const DATA_ACCESS_LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const;

/** Properties of {@link DataAccessAuditLogs}. */
export interface DataAccessAuditLogsProps {
  /**
   * Project the logs are turned on in.
   */
  readonly project: string;
  /**
   * Services (`secretmanager.googleapis.com`, …) whose Data Access logs are turned on, all three
   * types each.
   */
  readonly services: readonly string[];
}

/**
 * One `google_project_iam_audit_config` per service. Each is authoritative for its service in the
 * project: another audit config of the same service elsewhere would fight this one.
 */
export class DataAccessAuditLogs extends Construct {
  /** The audit configs, by service. */
  readonly configs: ReadonlyMap<string, ProjectIamAuditConfig>;

  constructor(scope: Construct, id: string, props: DataAccessAuditLogsProps) {
    super(scope, id);
    if (new Set(props.services).size !== props.services.length) {
      throw new Error(`data access audit logs: services repeat (${props.services.join(', ')}); each is authoritative once`);
    }
    this.configs = new Map(
      props.services.map((service) => [
        service,
        new ProjectIamAuditConfig(this, service, {
          project: props.project,
          service,
          auditLogConfig: DATA_ACCESS_LOG_TYPES.map((logType) => ({ logType })),
        }),
      ]),
    );
  }
}
