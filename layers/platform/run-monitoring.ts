/**
 * The `RunMonitoring` configuration of the Managed Service for Prometheus sidecar in each region's
 * Cloud Run service (docs/managed-prometheus.md): what it scrapes, how often, and the labels it
 * adds, so the collected series carry what the rules and the metrics contract read.
 *
 * - `metadata.name` becomes the `job` of every series (the sidecar's config generator sets `job`
 *   to it), so it is the service name, the `job` the contract lists for the API's metrics.
 * - The endpoint is the API's metrics endpoint on localhost: `managedPrometheus.metricsPort`
 *   (`service.port` when absent) and `prometheusServers.metricsPath`.
 * - The interval is the one every API metric of the contract assumes (`apiScrapeIntervalSeconds`).
 * - `region` is written by a metric relabeling: the sidecar puts the region in the
 *   `prometheus_target` resource's `location`, a protected label it will not rename, and the
 *   rules group and filter by `region`.
 *
 * Field names are the sidecar's (`RunMonitoring`, apiVersion `monitoring.googleapis.com/v1beta`):
 * https://cloud.google.com/stackdriver/docs/managed-prometheus/cloudrun-sidecar
 */
import { stringify } from 'yaml';
import type { EnvironmentConfig } from '../../environments/schema';
import { formatDuration } from '../../slos/duration';
import { apiScrapeIntervalSeconds } from './metrics-contract';
import { REGION_LABEL } from './queries';

/** The sidecar reads its custom configuration from this directory, as `config.yaml`. */
export const RUN_MONITORING_DIR = '/etc/rungmp';
/** File name of the configuration inside {@link RUN_MONITORING_DIR}. */
export const RUN_MONITORING_FILE = 'config.yaml';

/** One metric relabeling rule of a `RunMonitoring` endpoint. */
export interface RunMonitoringRelabeling {
  readonly action: 'replace';
  readonly targetLabel: string;
  readonly replacement: string;
}

/** A `RunMonitoring` configuration, as the sidecar reads it. */
export interface RunMonitoring {
  readonly apiVersion: 'monitoring.googleapis.com/v1beta';
  readonly kind: 'RunMonitoring';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly endpoints: readonly {
      readonly port: string;
      readonly path: string;
      readonly interval: string;
      readonly metricRelabeling: readonly RunMonitoringRelabeling[];
    }[];
  };
}

/**
 * Labels the sidecar sets itself and refuses to relabel (the `prometheus_target` resource labels,
 * its `instanceId` and the scrape address).
 */
export const PROTECTED_LABELS: readonly string[] = Object.freeze([
  'project_id',
  'location',
  'cluster',
  'namespace',
  'job',
  'instance',
  'instanceId',
  '__address__',
]);

/** Port of the API metrics endpoint inside an instance. */
export function metricsPort(env: EnvironmentConfig): number {
  return env.managedPrometheus.metricsPort ?? env.service.port;
}

/** The `RunMonitoring` configuration of the sidecar in `region`. */
export function runMonitoringConfig(env: EnvironmentConfig, region: string): RunMonitoring {
  if (PROTECTED_LABELS.includes(REGION_LABEL)) throw new Error(`the sidecar refuses to relabel ${REGION_LABEL}`);
  return {
    apiVersion: 'monitoring.googleapis.com/v1beta',
    kind: 'RunMonitoring',
    metadata: { name: env.service.name },
    spec: {
      endpoints: [
        {
          port: String(metricsPort(env)),
          path: env.prometheusServers.metricsPath,
          interval: formatDuration(apiScrapeIntervalSeconds()),
          metricRelabeling: [{ action: 'replace', targetLabel: REGION_LABEL, replacement: region }],
        },
      ],
    },
  };
}

/** The configuration as the YAML file the sidecar reads. */
export function runMonitoringYaml(config: RunMonitoring): string {
  return stringify(config, { sortMapEntries: false });
}
