/**
 * A Prometheus data source in Grafana: a Prometheus-compatible URL, or Cloud Monitoring's PromQL
 * endpoint of a project, whose `Authorization` header Google's data source syncer keeps fresh
 * (constructs/google/grafana-datasource-syncer.ts).
 */
import { Construct } from '../framework';
import { DataSource } from './bindings';
import { assertGrafanaUid } from './private/uid';

/** Props of {@link PrometheusDataSource}. */
export interface PrometheusDataSourceProps {
  /** Data source name shown in Grafana. */
  readonly name: string;
  /**
   * Stable data source UID; dashboards and alert rules query the data source by it.
   */
  readonly uid: string;
  /**
   * URL of the Prometheus-compatible query API.
   *
   * @default - none; `cloudMonitoringProject` must be given instead
   */
  readonly url?: string;
  /**
   * Query Cloud Monitoring's PromQL endpoint of this project instead of `url`, with the settings
   * Google's data source syncer writes (GET, Prometheus 2.40.0, 2-minute timeouts). The syncer
   * writes the `Authorization` header; Terraform leaves that header alone.
   *
   * @default - none; `url` must be given instead
   */
  readonly cloudMonitoringProject?: string;
  /**
   * Smallest step Grafana asks for (`timeInterval`), a Prometheus duration.
   *
   * @default '30s' — the platform's scrape interval, so no query asks for finer data than exists.
   */
  readonly scrapeInterval?: string;
  /**
   * Make this the organisation's default data source.
   *
   * @default false — panels and rules always name their data source.
   */
  readonly isDefault?: boolean;
}

/** A `grafana_data_source` of type `prometheus`, queried through the Grafana server (proxy). */
export class PrometheusDataSource extends Construct {
  /** The data source resource. */
  readonly resource: DataSource;
  /** The data source UID as a Terraform reference. */
  readonly uid: string;
  /** The `jsonData` sent to Grafana, for tests and docs. */
  readonly jsonData: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: PrometheusDataSourceProps) {
    super(scope, id);
    assertGrafanaUid('data source', props.uid);
    if ((props.url === undefined) === (props.cloudMonitoringProject === undefined)) {
      throw new Error(`prometheus data source ${props.uid}: give exactly one of url and cloudMonitoringProject`);
    }
    const url = props.url ?? cloudMonitoringPromqlUrl(props.cloudMonitoringProject!);
    if (!/^https?:\/\/[^/]/.test(url)) throw new Error(`prometheus url must be an http(s) URL, got ${JSON.stringify(url)}`);
    const timeInterval = props.scrapeInterval ?? '30s';
    this.jsonData = props.cloudMonitoringProject
      ? // What the data source syncer sets (it keeps values already there, so Terraform and the
        // syncer agree): Cloud Monitoring's PromQL API takes GET, and long queries get 2 minutes.
        { httpMethod: 'GET', prometheusType: 'Prometheus', prometheusVersion: '2.40.0', queryTimeout: '2m', timeout: '120', timeInterval }
      : // POST keeps long SLO queries out of URL length limits.
        { httpMethod: 'POST', prometheusType: 'Prometheus', timeInterval };
    this.resource = new DataSource(this, 'Resource', {
      name: props.name,
      uid: props.uid,
      type: 'prometheus',
      url,
      accessMode: 'proxy',
      isDefault: props.isDefault ?? false,
      jsonDataEncoded: JSON.stringify(this.jsonData),
      // The syncer's header (name in http_headers, bearer token in the secure data): an apply must
      // not remove it, or queries fail until the next sync.
      lifecycle: props.cloudMonitoringProject ? { ignoreChanges: ['http_headers', 'secure_json_data_encoded'] } : undefined,
    });
    this.uid = this.resource.uid;
  }
}

/**
 * Cloud Monitoring's Prometheus-compatible query API of a project, as the data source syncer
 * writes it (https://cloud.google.com/stackdriver/docs/managed-prometheus/query).
 */
export function cloudMonitoringPromqlUrl(project: string): string {
  return `https://monitoring.googleapis.com/v1/projects/${project}/location/global/prometheus/`;
}
