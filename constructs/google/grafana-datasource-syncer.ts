/**
 * Google's data source syncer for Grafana, run on a schedule: a Cloud Run job, started every few
 * minutes by Cloud Scheduler, that points a Grafana Prometheus data source at Cloud Monitoring's
 * PromQL endpoint and writes a fresh OAuth2 access token into it
 * (https://cloud.google.com/stackdriver/docs/managed-prometheus/query, "Grafana";
 * https://github.com/GoogleCloudPlatform/prometheus-engine/tree/main/cmd/datasource-syncer).
 * Grafana's Prometheus data source cannot itself authenticate as a Google service account, so
 * the job does it for it: the access token it writes lasts one hour, and nothing long-lived of
 * Google's exists. The job runs as its own service account, which may only read monitoring data
 * and the Grafana token secret, and start its own job.
 */
import { Construct } from '../framework';
import {
  CloudRunV2Job,
  CloudRunV2JobIamMember,
  CloudSchedulerJob,
  ProjectIamMember,
  SecretManagerSecretIamMember,
  ServiceAccount,
} from './bindings';
import { parseSecretRef } from './secret-ref';

/** Properties of {@link GrafanaDatasourceSyncer}. */
export interface GrafanaDatasourceSyncerProps {
  /**
   * Project whose Cloud Monitoring the data source queries, and that runs the job.
   */
  readonly project: string;
  /**
   * Region of the Cloud Run job and the Cloud Scheduler job.
   */
  readonly region: string;
  /**
   * Names of the service account (account id), the Cloud Run job and the scheduler job.
   */
  readonly names: { readonly serviceAccountId: string; readonly job: string; readonly scheduler: string };
  /**
   * The syncer's image, pinned by tag or digest.
   */
  readonly image: string;
  /**
   * Cron schedule of the runs (UTC); at least once an hour, since access tokens last one hour.
   */
  readonly schedule: string;
  /**
   * Base URL of the Grafana instance.
   */
  readonly grafanaUrl: string;
  /**
   * UIDs of the Prometheus data sources to keep pointed at Cloud Monitoring.
   */
  readonly datasourceUids: readonly string[];
  /**
   * Secret Manager reference (`projects/<p>/secrets/<name>/versions/<v>`) of the Grafana service
   * account token the syncer edits the data sources with.
   */
  readonly grafanaTokenSecret: string;
}

/** Project role of the syncer's account: read Cloud Monitoring, the scope its access token asks for. */
export const SYNCER_PROJECT_ROLE = 'roles/monitoring.viewer';

/** Environment variable the Grafana token reaches the syncer in; `$(…)` in `command` expands it. */
export const GRAFANA_TOKEN_ENV = 'GRAFANA_API_TOKEN';

/** Entrypoint of the syncer image (its Dockerfile's `ENTRYPOINT`). */
const SYNCER_BINARY = '/bin/datasource-syncer';

/** The data source syncer job, its schedule and its identity. */
export class GrafanaDatasourceSyncer extends Construct {
  /** The Cloud Run job. */
  readonly job: CloudRunV2Job;
  /** The Cloud Scheduler job that runs it. */
  readonly scheduler: CloudSchedulerJob;
  /** The service account the job and the scheduler run as. */
  readonly serviceAccount: ServiceAccount;

  constructor(scope: Construct, id: string, props: GrafanaDatasourceSyncerProps) {
    super(scope, id);
    if (props.datasourceUids.length === 0) throw new Error('data source syncer: no data source uids to sync');
    if (!/^https:\/\/[^/]/.test(props.grafanaUrl))
      throw new Error(`data source syncer: grafana url must be https, got ${props.grafanaUrl}`);
    const token = parseSecretRef(props.grafanaTokenSecret);
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project: props.project,
      accountId: props.names.serviceAccountId,
      displayName: 'Grafana data source syncer',
    });
    const member = `serviceAccount:${this.serviceAccount.email}`;
    new ProjectIamMember(this, 'MonitoringViewer', { project: props.project, role: SYNCER_PROJECT_ROLE, member });
    const tokenAccess = new SecretManagerSecretIamMember(this, 'TokenAccessor', {
      project: token.project,
      secretId: token.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member,
    });
    this.job = new CloudRunV2Job(this, 'Job', {
      project: props.project,
      name: props.names.job,
      location: props.region,
      deletionProtection: false,
      template: {
        taskCount: 1,
        template: {
          serviceAccount: this.serviceAccount.email,
          maxRetries: 1,
          timeout: '120s',
          containers: [
            {
              image: props.image,
              // `command`, not `args`: Cloud Run expands $(VAR) only in the command. The token
              // stays in Secret Manager; the configuration names only the variable.
              command: [
                SYNCER_BINARY,
                `--datasource-uids=${props.datasourceUids.join(',')}`,
                `--grafana-api-endpoint=${props.grafanaUrl}`,
                `--grafana-api-token=$(${GRAFANA_TOKEN_ENV})`,
                `--project-id=${props.project}`,
              ],
              env: [{ name: GRAFANA_TOKEN_ENV, valueSource: { secretKeyRef: { secret: token.secretId, version: token.version } } }],
            },
          ],
        },
      },
      dependsOn: [tokenAccess],
    });
    new CloudRunV2JobIamMember(this, 'Invoker', {
      project: props.project,
      location: props.region,
      name: this.job.name,
      role: 'roles/run.invoker',
      member,
    });
    this.scheduler = new CloudSchedulerJob(this, 'Schedule', {
      project: props.project,
      region: props.region,
      name: props.names.scheduler,
      schedule: props.schedule,
      timeZone: 'Etc/UTC',
      httpTarget: {
        httpMethod: 'POST',
        // Cloud Run Admin API v2, projects.locations.jobs.run.
        uri: `https://run.googleapis.com/v2/projects/${props.project}/locations/${props.region}/jobs/${props.names.job}:run`,
        oauthToken: { serviceAccountEmail: this.serviceAccount.email },
      },
      dependsOn: [this.job],
    });
  }
}
