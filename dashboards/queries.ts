/**
 * Every PromQL expression the dashboards show, built from the SLO model and the environment
 * config. Panels (dashboards/panels/*.ts) only lay these out; no query is written inside a panel.
 */
import { RATE_LIMITED_CODE } from '../alerts/prometheus/platform-metrics';
import type { EnvironmentConfig } from '../environments/schema';
import { names } from '../environments/naming';
import { BUDGET_REMAINING_RECORD, errorRatioRecord, LABEL } from '../slos/conventions';
import { errorRatioQuery, type LatencySli, type Slo } from '../slos/model';
import { addMatchers } from './private/matchers';

/** Template variable names shared by every dashboard. */
export const VAR = Object.freeze({
  datasource: 'datasource',
  region: 'region',
  /** The Cloud Run service (one per region) the saturation panels show. */
  service: 'service',
});

/** Grafana's range for `rate()`: at least four scrape intervals, so short ranges never go blank. */
export const RATE_WINDOW = '$__rate_interval';
/** The dashboard's whole time range, for "over the selected period" stats. */
export const RANGE_WINDOW = '$__range';
/** The dashboard's time range in seconds (turns a rate over the range into a count). */
export const RANGE_SECONDS = '$__range_s';

/**
 * Label holding the GCP region on the platform's own series: the API exports it on every metric
 * (docs/alerting.md, "Platform metrics"; the symptom alerts aggregate `by (region)`), so the
 * filter works on any Prometheus, not only on Google Cloud Managed Service for Prometheus.
 */
export const REGION_LABEL = 'region';

/**
 * Label holding the region on Google Cloud metrics read through their PromQL names: a label of
 * the monitored resource, named differently per resource type.
 * https://cloud.google.com/monitoring/api/resources
 */
export const GOOGLE_REGION_LABEL = Object.freeze({
  /** `cloud_run_revision`: `location`. */
  cloudRun: 'location',
  /** `redis_instance`: `region`. */
  redis: 'region',
  /** `cloudsql_database`: `region` (a replica's own region). */
  cloudSql: 'region',
});

/** Matchers that restrict the platform's own series to the dashboard's selected regions. */
export const REGION_FILTER: readonly string[] = Object.freeze([`${REGION_LABEL}=~"$${VAR.region}"`]);

/**
 * A valid PromQL duration that no spec uses, put where a Grafana macro goes while matchers are
 * added (the grammar does not accept `$__rate_interval` in brackets), then replaced.
 */
const WINDOW_SENTINEL = '987654321s';

function withWindow(build: (window: string) => string, window: string, filter: readonly string[]): string {
  return addMatchers(build(WINDOW_SENTINEL), filter).replaceAll(WINDOW_SENTINEL, window);
}

/** The SLI's error ratio (bad / total events) over `window`, filtered by `filter`. */
export function sliErrorRatio(slo: Slo, window: string, filter: readonly string[] = REGION_FILTER): string {
  return withWindow((w) => errorRatioQuery(slo.sli, w), window, filter);
}

/** The SLI's compliance (good / total events) over `window`: 1 − error ratio. */
export function sliCompliance(slo: Slo, window: string, filter: readonly string[] = REGION_FILTER): string {
  return `1 - (\n${sliErrorRatio(slo, window, filter)}\n)`;
}

/**
 * Rate of all events of the SLI, per second; undefined for SLI kinds with no separable total
 * (the panel that needs it is then left out).
 */
export function sliTotalRate(slo: Slo, window: string, filter: readonly string[] = REGION_FILTER): string | undefined {
  const sli = slo.sli;
  if (sli.kind === 'ratio') return withWindow((w) => sli.totalQuery.replaceAll('{{.window}}', w), window, filter);
  if (sli.kind === 'latency') return withWindow((w) => `sum(rate(${sli.histogram}_count{${sli.selector}}[${w}]))`, window, filter);
  return undefined;
}

/** Number of events of the SLI over the dashboard's time range. */
export function sliTotalCount(slo: Slo, filter: readonly string[] = REGION_FILTER): string | undefined {
  const rate = sliTotalRate(slo, RANGE_WINDOW, filter);
  return rate === undefined ? undefined : `(\n${rate}\n) * ${RANGE_SECONDS}`;
}

/**
 * Rate of the SLI's events that also match `matchers` (e.g. HTTP 429 responses among all
 * requests); undefined when the SLI has no separable total.
 */
export function sliTotalRateWhere(slo: Slo, matchers: readonly string[], window: string): string | undefined {
  return sliTotalRate(slo, window, [...REGION_FILTER, ...matchers]);
}

/** The `quantile` (0–1) of a latency SLI's histogram over `window`. */
export function latencyQuantile(sli: LatencySli, quantile: number, window: string, filter: readonly string[] = REGION_FILTER): string {
  return withWindow(
    (w) => `histogram_quantile(${quantile}, sum by (le) (rate(${sli.histogram}_bucket{${sli.selector}}[${w}])))`,
    window,
    filter,
  );
}

/** Selector of the recorded series of one SLO (labels set by the recording rules). */
export function sloSelector(slo: Slo): string {
  return `${LABEL.slo}="${slo.name}", ${LABEL.service}="${slo.service}"`;
}

/** Recorded compliance of an SLO over `window` (default: the SLO window). */
export function recordedCompliance(slo: Slo, window: string = slo.window): string {
  return `1 - ${errorRatioRecord(window)}{${sloSelector(slo)}}`;
}

/** Recorded share of the error budget left over the SLO window. */
export function budgetRemaining(slo: Slo): string {
  return `${BUDGET_REMAINING_RECORD}{${sloSelector(slo)}}`;
}

/** Burn rate over `window`: the recorded error ratio divided by the error budget (1 = exactly on budget). */
export function burnRate(slo: Slo, window: string): string {
  return `${errorRatioRecord(window)}{${sloSelector(slo)}} / ${slo.errorBudget}`;
}

/** Alerts of an SLO that are firing now, one series per alert name and severity. */
export function firingAlerts(slo: Slo): string {
  return `count by (alertname, ${LABEL.severity}) (ALERTS{alertstate="firing", ${sloSelector(slo)}})`;
}

/** Every distinct window an SLO's burn-rate alerts look at, longest first. */
export function burnRateWindows(slo: Slo): string[] {
  const seconds = new Map<string, number>();
  for (const w of slo.alerting.windows) {
    seconds.set(w.longWindow, w.longWindowSeconds);
    seconds.set(w.shortWindow, w.shortWindowSeconds);
  }
  return [...seconds.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([w]) => w);
}

/**
 * Google Cloud metrics through the Managed Service for Prometheus PromQL names: the first `/`
 * becomes `:`, every other `.` and `/` becomes `_`.
 * https://cloud.google.com/stackdriver/docs/managed-prometheus/promql#metric-names
 */
export function googleMetric(metricType: string): string {
  const [domain = '', ...path] = metricType.split('/');
  return `${domain}:${path.join('/')}`.replace(/[./]/g, '_');
}

/** Percentile shown for distribution-valued saturation metrics (Cloud Run CPU): the tail, not the mean. */
export const SATURATION_QUANTILE = 0.99;

/** A regex alternation of exact names, for `=~` matchers. */
function anyOf(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
}

/** Saturation queries of an environment's shared infrastructure (Cloud Run, Redis, Cloud SQL). */
export function saturationQueries(env: EnvironmentConfig) {
  const regions = env.gcp.regions.map((r) => r.name);
  const run = `monitored_resource="cloud_run_revision", service_name=~"$${VAR.service}", ${GOOGLE_REGION_LABEL.cloudRun}=~"$${VAR.region}"`;
  const redis = `monitored_resource="redis_instance", instance_id=~".*/(${anyOf(regions.map((r) => names.redis(env, r)))})", ${GOOGLE_REGION_LABEL.redis}=~"$${VAR.region}"`;
  const sqlInstances = [names.sqlPrimary(env), ...env.gcp.regions.filter((r) => !r.primary).map((r) => names.sqlReplica(env, r.name))];
  const sql = `monitored_resource="cloudsql_database", database_id=~"${env.gcp.project}:(${anyOf(sqlInstances)})", ${GOOGLE_REGION_LABEL.cloudSql}=~"$${VAR.region}"`;
  return {
    // Per region, all states together: max instances bounds active and idle instances alike.
    cloudRunInstances: `sum by (${GOOGLE_REGION_LABEL.cloudRun}) (${googleMetric('run.googleapis.com/container/instance_count')}{${run}})`,
    cloudRunCpu: `histogram_quantile(${SATURATION_QUANTILE}, sum by (${GOOGLE_REGION_LABEL.cloudRun}, le) (rate(${googleMetric('run.googleapis.com/container/cpu/utilizations')}_bucket{${run}}[${RATE_WINDOW}])))`,
    redisMemory: `max by (instance_id) (${googleMetric('redis.googleapis.com/stats/memory/usage_ratio')}{${redis}})`,
    postgresConnections: `sum by (database_id) (${googleMetric('cloudsql.googleapis.com/database/postgresql/num_backends')}{${sql}})`,
    postgresReplicationLag: `max by (database_id) (${googleMetric('cloudsql.googleapis.com/database/replication/replica_lag')}{${sql}})`,
    edgeRateLimited: `sum(rate(${googleMetric('loadbalancing.googleapis.com/https/request_count')}{monitored_resource="https_lb_rule", url_map_name="${names.urlMap(env)}", response_code="${RATE_LIMITED_CODE}"}[${RATE_WINDOW}]))`,
  };
}

/** Cloud Run service names of an environment, one per region (values of the `service` variable). */
export function cloudRunServices(env: EnvironmentConfig): string[] {
  return env.gcp.regions.map((r) => names.cloudRunService(env, r.name));
}
