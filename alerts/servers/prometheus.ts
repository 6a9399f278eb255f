/**
 * The Prometheus server configuration that evaluates the generated rules (a complete example:
 * deployments with their own Prometheus copy its `rule_files`, `alerting` and `scrape_configs`),
 * and the blackbox exporter module its uptime job probes with.
 *
 * The uptime job is what `probe_success{job="uptime"}` comes from: the availability SLI and the
 * uptime panel read it. Each region's health endpoint is probed every
 * `monitoring.uptimePeriodSeconds`, as Cloud Monitoring's uptime checks do.
 */
import { formatDuration } from '../../slos/duration';
import { DEFAULT_EVALUATION_INTERVAL } from '../../slos/schema';
import type { RegionEndpoints, ServerInputs } from './inputs';

/** Job of the probe results; the availability SLI selects `probe_success{job="uptime"}`. */
export const UPTIME_JOB = 'uptime';

/** Blackbox exporter module of the uptime probes: an HTTP GET that succeeds on a 2xx answer. */
export const UPTIME_MODULE = 'http_2xx';

/**
 * The module that probes one region: {@link UPTIME_MODULE}, or, when the probe shows IAP a token,
 * a module of the region's own (`http_2xx_<region>`), since a module reads one token file and
 * IAP wants a token per host.
 */
export function uptimeModule(region: RegionEndpoints): string {
  return region.probeTokenFile === undefined ? UPTIME_MODULE : `${UPTIME_MODULE}_${region.region.replace(/-/g, '_')}`;
}

/**
 * Scrape interval, and the global evaluation interval of rule groups that state none. Every
 * generated group states its own `interval` (its spec file's `evaluationInterval`, default 1 m),
 * so this default never decides when an SLO's rules run.
 */
export const EVALUATION_INTERVAL = DEFAULT_EVALUATION_INTERVAL;

/**
 * The command-line flags the Prometheus that loads `prometheus.yml` must run with, one per line.
 * Prometheus 2 reads its retention only from a flag (`--storage.tsdb.retention.time`), never from
 * the configuration file; the default (15 d) is shorter than every SLO window.
 */
export function prometheusFlags(inputs: ServerInputs): string[] {
  return [`--storage.tsdb.retention.time=${inputs.retention}`];
}

/** Label of the region a series was scraped or probed in; the symptom alerts group by it. */
export const REGION_LABEL = 'region';

/** `prometheus.yml` as plain data; `ruleFiles` are paths relative to it. */
export function prometheusConfig(inputs: ServerInputs, ruleFiles: readonly string[]) {
  // One module for every region (job-wide), or one per region (per target, `__param_module`).
  const perRegion = inputs.regions.some((r) => uptimeModule(r) !== UPTIME_MODULE);
  return {
    global: { scrape_interval: EVALUATION_INTERVAL, evaluation_interval: EVALUATION_INTERVAL },
    rule_files: [...ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [...inputs.alertmanagers] }] }] },
    scrape_configs: [
      {
        job_name: inputs.metricsJob,
        scheme: inputs.metricsScheme,
        metrics_path: inputs.metricsPath,
        static_configs: inputs.regions.map((r) => ({ targets: [r.metricsTarget], labels: { [REGION_LABEL]: r.region } })),
      },
      {
        job_name: UPTIME_JOB,
        scrape_interval: formatDuration(inputs.uptimePeriodSeconds),
        scrape_timeout: formatDuration(inputs.uptimeTimeoutSeconds),
        metrics_path: '/probe',
        ...(perRegion ? {} : { params: { module: [UPTIME_MODULE] } }),
        static_configs: inputs.regions.map((r) => ({
          targets: [r.healthUrl],
          labels: {
            [REGION_LABEL]: r.region,
            service: inputs.probedService,
            // A target's `__param_<name>` label is its URL parameter `<name>`.
            ...(perRegion ? { __param_module: uptimeModule(r) } : {}),
          },
        })),
        // The standard blackbox pattern: the target becomes the probe's `target` parameter and
        // the `instance` label, and Prometheus scrapes the exporter instead.
        relabel_configs: [
          { source_labels: ['__address__'], target_label: '__param_target' },
          { source_labels: ['__param_target'], target_label: 'instance' },
          { target_label: '__address__', replacement: inputs.blackboxExporter },
        ],
      },
    ],
  };
}

/**
 * The blackbox exporter's `blackbox.yml`: the uptime module, or with IAP at the edge one per region
 * whose requests carry `Authorization: Bearer <token>` from the region's token file. The exporter
 * reads the file on every probe, so a refresher can replace the token while it runs.
 */
export function blackboxConfig(inputs: ServerInputs) {
  const modules = new Map<string, object>();
  for (const r of inputs.regions) {
    modules.set(uptimeModule(r), {
      prober: 'http',
      timeout: formatDuration(inputs.uptimeTimeoutSeconds),
      http: {
        method: 'GET',
        preferred_ip_protocol: 'ip4',
        ...(r.probeTokenFile === undefined ? {} : { authorization: { type: 'Bearer', credentials_file: r.probeTokenFile } }),
      },
    });
  }
  return { modules: Object.fromEntries(modules) };
}
