/**
 * The platform layer's own dashboard queries: the region filter on the platform's series, its
 * template variables, and the saturation of the shared infrastructure (Cloud Run, Redis, Cloud
 * SQL) read through Google Cloud Managed Service for Prometheus.
 */
import { RATE_WINDOW } from '../../dashboards/queries';
import { names } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { RATE_LIMITED_CODE } from './platform-metrics';

/** Template variables the platform adds to every golden-signals dashboard. */
export const PLATFORM_VAR = Object.freeze({
  region: 'region',
  /** The Cloud Run service (one per region) the saturation panels show. */
  service: 'service',
});

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
export const REGION_FILTER: readonly string[] = Object.freeze([`${REGION_LABEL}=~"$${PLATFORM_VAR.region}"`]);

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

/**
 * Google Cloud metric types the saturation panels read, by what they show (their PromQL names are
 * `googleMetric(type)`; docs/metrics.md lists them with their labels).
 */
export const GOOGLE_METRICS = Object.freeze({
  cloudRunInstances: 'run.googleapis.com/container/instance_count',
  cloudRunCpu: 'run.googleapis.com/container/cpu/utilizations',
  redisMemory: 'redis.googleapis.com/stats/memory/usage_ratio',
  postgresConnections: 'cloudsql.googleapis.com/database/postgresql/num_backends',
  postgresReplicationLag: 'cloudsql.googleapis.com/database/replication/replica_lag',
  edgeRequests: 'loadbalancing.googleapis.com/https/request_count',
});

/** Saturation queries of an environment's shared infrastructure (Cloud Run, Redis, Cloud SQL). */
export function saturationQueries(env: EnvironmentConfig) {
  const regions = env.gcp.regions.map((r) => r.name);
  const run = `monitored_resource="cloud_run_revision", service_name=~"$${PLATFORM_VAR.service}", ${GOOGLE_REGION_LABEL.cloudRun}=~"$${PLATFORM_VAR.region}"`;
  const redis = `monitored_resource="redis_instance", instance_id=~".*/(${anyOf(regions.map((r) => names.redis(env, r)))})", ${GOOGLE_REGION_LABEL.redis}=~"$${PLATFORM_VAR.region}"`;
  const sqlInstances = [names.sqlPrimary(env), ...env.gcp.regions.filter((r) => !r.primary).map((r) => names.sqlReplica(env, r.name))];
  const sql = `monitored_resource="cloudsql_database", database_id=~"${env.gcp.project}:(${anyOf(sqlInstances)})", ${GOOGLE_REGION_LABEL.cloudSql}=~"$${PLATFORM_VAR.region}"`;
  return {
    // Per region, all states together: max instances bounds active and idle instances alike.
    cloudRunInstances: `sum by (${GOOGLE_REGION_LABEL.cloudRun}) (${googleMetric(GOOGLE_METRICS.cloudRunInstances)}{${run}})`,
    cloudRunCpu: `histogram_quantile(${SATURATION_QUANTILE}, sum by (${GOOGLE_REGION_LABEL.cloudRun}, le) (rate(${googleMetric(GOOGLE_METRICS.cloudRunCpu)}_bucket{${run}}[${RATE_WINDOW}])))`,
    redisMemory: `max by (instance_id) (${googleMetric(GOOGLE_METRICS.redisMemory)}{${redis}})`,
    postgresConnections: `sum by (database_id) (${googleMetric(GOOGLE_METRICS.postgresConnections)}{${sql}})`,
    postgresReplicationLag: `max by (database_id) (${googleMetric(GOOGLE_METRICS.postgresReplicationLag)}{${sql}})`,
    edgeRateLimited: `sum(rate(${googleMetric(GOOGLE_METRICS.edgeRequests)}{monitored_resource="https_lb_rule", url_map_name="${names.urlMap(env)}", response_code="${RATE_LIMITED_CODE}"}[${RATE_WINDOW}]))`,
  };
}

/** Cloud Run service names of an environment, one per region (values of the `service` variable). */
export function cloudRunServices(env: EnvironmentConfig): string[] {
  return env.gcp.regions.map((r) => names.cloudRunService(env, r.name));
}
