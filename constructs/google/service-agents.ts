/**
 * The Google-managed service agents of a project (`service-<project number>@…`), the identities
 * Google services act as when they read a customer-managed key, or invoke Cloud Run for IAP or for an
 * uptime check. Their
 * e-mails embed the project number, which the config does not carry, so it is read at plan time
 * from the `google_project` data source: synthesis stays offline.
 */
import { Construct } from '../framework';
import { DataGoogleProject } from './bindings';

/**
 * Domain of each service agent, from Google's "Service agents" reference: Cloud SQL, Memorystore
 * for Redis, Cloud Run (serverless robot), Secret Manager, Cloud Storage, IAP, and Cloud Monitoring
 * (the identity whose OIDC token an uptime check with service-agent authentication carries).
 */
export const SERVICE_AGENT_DOMAINS = {
  cloudSql: 'gcp-sa-cloud-sql.iam.gserviceaccount.com',
  redis: 'cloud-redis.iam.gserviceaccount.com',
  cloudRun: 'serverless-robot-prod.iam.gserviceaccount.com',
  secretManager: 'gcp-sa-secretmanager.iam.gserviceaccount.com',
  storage: 'gs-project-accounts.iam.gserviceaccount.com',
  iap: 'gcp-sa-iap.iam.gserviceaccount.com',
  monitoring: 'gcp-sa-monitoring-notification.iam.gserviceaccount.com',
} as const;

/** A Google service whose agent this package grants roles to. */
export type ServiceAgentName = keyof typeof SERVICE_AGENT_DOMAINS;

/** Properties of {@link ServiceAgents}. */
export interface ServiceAgentsProps {
  /**
   * Project id whose service agents are addressed.
   */
  readonly project: string;
}

/** The service agents of one project, as IAM members. */
export class ServiceAgents extends Construct {
  /** The project data source the agents' project number comes from. */
  readonly project: DataGoogleProject;

  constructor(scope: Construct, id: string, props: ServiceAgentsProps) {
    super(scope, id);
    this.project = new DataGoogleProject(this, 'Project', { projectId: props.project });
  }

  /** The IAM member (`serviceAccount:service-<number>@<domain>`) of one service's agent. */
  member(agent: ServiceAgentName): string {
    return `serviceAccount:service-${this.project.number}@${SERVICE_AGENT_DOMAINS[agent]}`;
  }
}
