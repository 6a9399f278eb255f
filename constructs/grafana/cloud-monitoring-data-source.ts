/** A Google Cloud Monitoring data source in Grafana. */
import { Construct } from '../framework';
import { DataSource } from './bindings';
import { assertGrafanaUid } from './private/uid';

/** Props of {@link CloudMonitoringDataSource}. */
export interface CloudMonitoringDataSourceProps {
  /** Data source name shown in Grafana. */
  readonly name: string;
  /** Stable data source UID; dashboards query the data source by it. */
  readonly uid: string;
  /** Google Cloud project queried by default. */
  readonly project: string;
  /**
   * How Grafana authenticates to Google Cloud.
   *
   * `gce` uses the credentials of the machine or workload Grafana runs on (GCE metadata server or
   * GKE workload identity); `workloadIdentityFederation` exchanges an external identity. Neither
   * needs a key file, so no secret is stored in Grafana. Grant the identity Monitoring Viewer.
   *
   * @default 'gce' — the runtime's own service account, no key.
   */
  readonly authenticationType?: 'gce' | 'workloadIdentityFederation';
}

/** A `grafana_data_source` of type `stackdriver` (Google Cloud Monitoring), keyless. */
export class CloudMonitoringDataSource extends Construct {
  /** The data source resource. */
  readonly resource: DataSource;
  /** The data source UID as a Terraform reference. */
  readonly uid: string;
  /** The `jsonData` sent to Grafana, for tests and docs. */
  readonly jsonData: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: CloudMonitoringDataSourceProps) {
    super(scope, id);
    assertGrafanaUid('data source', props.uid);
    const authenticationType = props.authenticationType ?? 'gce';
    this.jsonData = {
      authenticationType,
      defaultProject: props.project,
      // With `gce` the plugin takes the default project from `gceDefaultProject`, and looks up the
      // project Grafana itself runs in when it is absent, which need not be the platform's.
      ...(authenticationType === 'gce' ? { gceDefaultProject: props.project } : {}),
    };
    this.resource = new DataSource(this, 'Resource', {
      name: props.name,
      uid: props.uid,
      type: 'stackdriver',
      accessMode: 'proxy',
      jsonDataEncoded: JSON.stringify(this.jsonData),
    });
    this.uid = this.resource.uid;
  }
}
