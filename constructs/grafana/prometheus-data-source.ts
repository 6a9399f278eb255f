/** A Prometheus data source in Grafana. */
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
  /** URL of the Prometheus-compatible query API. */
  readonly url: string;
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
    if (!/^https?:\/\/[^/]/.test(props.url)) throw new Error(`prometheus url must be an http(s) URL, got ${JSON.stringify(props.url)}`);
    // POST keeps long SLO queries out of URL length limits.
    this.jsonData = { httpMethod: 'POST', prometheusType: 'Prometheus', timeInterval: props.scrapeInterval ?? '30s' };
    this.resource = new DataSource(this, 'Resource', {
      name: props.name,
      uid: props.uid,
      type: 'prometheus',
      url: props.url,
      accessMode: 'proxy',
      isDefault: props.isDefault ?? false,
      jsonDataEncoded: JSON.stringify(this.jsonData),
    });
    this.uid = this.resource.uid;
  }
}
