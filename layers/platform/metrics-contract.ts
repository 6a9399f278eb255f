/**
 * The platform layer's half of the metrics contract (slos/metrics-contract.ts): every metric the
 * symptom alerts, the platform's dashboard rows and the saturation panels read beyond the specs,
 * with its type, labels, emitter and the scrape or probe interval the rules assume. docs/metrics.md
 * is generated from it (tests/layers/platform/metrics-contract.test.ts keeps the two equal), and
 * `slo test` checks every generated rule and dashboard query, and prometheus.yml's intervals,
 * against it.
 */
import { EVALUATION_INTERVAL, UPTIME_JOB } from '../../alerts/servers/prometheus';
import type { EnvironmentConfig } from '../../environments/schema';
import { parseDuration } from '../../slos/duration';
import type { MetricContract, MetricsContract } from '../../slos/metrics-contract';
import { PROMETHEUS_TARGET_LABELS, specMetricsContract } from '../../slos/metrics-contract';
import type { PlatformSlos } from '../../environments/platform-slos';
import { DEPENDENCY, PLATFORM_METRICS as M } from './platform-metrics';
import { GOOGLE_METRICS, googleMetric, GOOGLE_REGION_LABEL, REGION_LABEL } from './queries';

/** Who emits what. */
export const EMITTER = Object.freeze({
  api: 'application (the API, every instance)',
  blackbox: 'blackbox exporter (uptime job)',
  google: 'Google Cloud Monitoring, through Managed Service for Prometheus',
});

/**
 * The interval of the uptime probes: one `probe_success` sample per checker region every
 * `monitoring.uptimePeriodSeconds`. The availability symptom counts probe rounds with it and
 * prometheus.yml's uptime job probes at it; both read it here.
 */
export function uptimeProbeIntervalSeconds(env: EnvironmentConfig): number {
  return probeSuccess(env).interval!.seconds;
}

/**
 * The interval at which Prometheus scrapes the API's metrics (prometheus.yml `scrape_interval`):
 * every API metric of the contract states it, and the symptom alerts size their shortest rate()
 * window with it (two samples: `fastSymptomWindowSeconds`).
 */
export function apiScrapeIntervalSeconds(): number {
  return parseDuration(EVALUATION_INTERVAL);
}

function probeSuccess(env: EnvironmentConfig): MetricContract {
  return {
    name: 'probe_success',
    type: 'gauge',
    labels: [
      { name: 'job', values: [UPTIME_JOB], description: 'the uptime scrape job' },
      { name: 'service', values: [env.service.name], description: 'the probed Cloud Run service' },
      { name: REGION_LABEL, description: 'the region whose health endpoint was probed' },
    ],
    emitter: EMITTER.blackbox,
    interval: { seconds: env.monitoring.uptimePeriodSeconds, setting: 'monitoring.uptimePeriodSeconds' },
    description: '1 when the probe of a region health endpoint got a 2xx answer, else 0',
  };
}

/**
 * The platform layer's contract for an environment. Beyond its own metrics it states what it
 * assumes of the specs' metrics: the error-rate SLO's total series carry the HTTP `code` (the
 * rate-limit panel selects `code="429"` on them).
 */
export function platformMetricsContract(env: EnvironmentConfig, platform: PlatformSlos): MetricsContract {
  const errorRateTotals = specMetricsContract({ slos: [platform.errorRate], services: [platform.errorRate.service] }).metrics.map(
    (m): MetricContract => ({
      ...m,
      labels: [{ name: 'code', description: 'HTTP status code: the rate-limit panel selects code="429"' }],
      description: `requests of the error-rate SLO ${platform.errorRate.id}`,
    }),
  );
  const scrape = { seconds: apiScrapeIntervalSeconds(), setting: 'prometheus.yml scrape_interval' };
  const job = { name: 'job', values: [env.service.name], description: 'the Cloud Run service name (scrape job)' };
  const api = (name: string, type: MetricContract['type'], description: string, labels: MetricContract['labels'] = []): MetricContract => ({
    name,
    type,
    labels: [job, ...labels],
    emitter: EMITTER.api,
    interval: scrape,
    description,
  });
  const google = (type: string, kind: MetricContract['type'], labels: readonly string[], description: string): MetricContract => ({
    name: googleMetric(type),
    type: kind,
    labels: labels.map((name) => ({ name })),
    emitter: EMITTER.google,
    description: `${description} (${type})`,
  });
  const run = ['monitored_resource', 'service_name', GOOGLE_REGION_LABEL.cloudRun];
  const sql = ['monitored_resource', 'database_id', GOOGLE_REGION_LABEL.cloudSql];
  const metrics: MetricContract[] = [
    api(M.httpRequests, 'counter', 'HTTP responses', [{ name: 'code', description: 'HTTP status code' }]),
    api('http_request_duration_seconds', 'histogram', 'HTTP request duration (seconds)', [
      { name: 'route_class', description: 'light or webhook, as the platform SLOs select it' },
    ]),
    api(M.dependencyUp, 'gauge', '1 when the last health check of a dependency from an instance succeeded', [
      { name: 'dependency', values: Object.values(DEPENDENCY), description: 'the dependency checked' },
    ]),
    api(M.redisPoolInUse, 'gauge', 'Redis connections of an instance pool in use'),
    api(M.redisPoolMax, 'gauge', 'size of an instance Redis pool'),
    api(M.replicationLag, 'gauge', 'seconds the Postgres replica of the region is behind the primary'),
    api(M.processStart, 'gauge', 'Unix time the process started (standard process metric; needs a stable instance label)'),
    api(M.revokedKeyUses, 'counter', 'tokens presented with a revoked signing key that were accepted'),
    api(M.keyRotationStarted, 'gauge', 'Unix time the last signing-key rotation started'),
    api(M.keyRotationCompleted, 'gauge', 'Unix time the last signing-key rotation completed'),
    probeSuccess(env),
    google(GOOGLE_METRICS.cloudRunInstances, 'gauge', run, 'Cloud Run instances'),
    google(GOOGLE_METRICS.cloudRunCpu, 'histogram', run, 'Cloud Run container CPU utilization'),
    google(
      GOOGLE_METRICS.redisMemory,
      'gauge',
      ['monitored_resource', 'instance_id', GOOGLE_REGION_LABEL.redis],
      'Redis memory usage ratio',
    ),
    google(GOOGLE_METRICS.postgresConnections, 'gauge', sql, 'Postgres connections (backends)'),
    google(GOOGLE_METRICS.postgresReplicationLag, 'gauge', sql, 'Cloud SQL replica lag (seconds)'),
    google(GOOGLE_METRICS.edgeRequests, 'counter', ['monitored_resource', 'url_map_name', 'response_code'], 'load balancer requests'),
  ];
  // prometheus.yml gives every series of the API and uptime jobs the region it was scraped in.
  return { metrics: [...metrics, ...errorRateTotals], targetLabels: [...PROMETHEUS_TARGET_LABELS, REGION_LABEL] };
}

/**
 * Metrics of the platform that Cloud Monitoring does not hold, so no PromQL alert policy can read
 * them: the blackbox exporter's probes (the Managed Service for Prometheus sidecar collects the
 * API's own metrics; Cloud Monitoring's uptime checks and their policies stand in for the probes).
 * Histograms are named by their base name, as in the contract.
 */
export function metricsOutsideCloudMonitoring(env: EnvironmentConfig, platform: PlatformSlos): string[] {
  return platformMetricsContract(env, platform)
    .metrics.filter((m) => m.emitter === EMITTER.blackbox)
    .map((m) => m.name);
}
