/**
 * Monitoring filters of the platform's resources, built from the shared resource names
 * (environments/naming.ts) so that policies match what the infrastructure stacks create.
 */
import { names } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { CLOUD_MONITORING_FILTER_PLACEHOLDERS } from '../../slos/conventions';

/** `metric.type="…" AND resource.type="…" AND …`. */
function filter(metricType: string, resourceType: string, ...clauses: string[]): string {
  return [`metric.type="${metricType}"`, `resource.type="${resourceType}"`, ...clauses].join(' AND ');
}

/** `one_of("a","b")` or a plain equality for one value. */
function oneOf(field: string, values: readonly string[]): string {
  return values.length === 1 ? `${field}="${values[0]}"` : `${field}=one_of(${values.map((v) => `"${v}"`).join(',')})`;
}

/** Cloud SQL metrics are keyed by `database_id` = `<project>:<instance>`. */
export function sqlFilter(env: EnvironmentConfig, metric: string, instances: readonly string[], ...clauses: string[]): string {
  return filter(
    `cloudsql.googleapis.com/database/${metric}`,
    'cloudsql_database',
    oneOf(
      'resource.label.database_id',
      instances.map((i) => `${env.gcp.project}:${i}`),
    ),
    ...clauses,
  );
}

/**
 * Redis metrics of the instance of one region. `instance_id` holds the instance's resource path
 * (`projects/<p>/locations/<region>/instances/<name>`); matching its end and the region keeps the
 * filter right whether the label carries the path or the bare name.
 */
export function redisFilter(env: EnvironmentConfig, region: string, metric: string, ...clauses: string[]): string {
  return filter(
    `redis.googleapis.com/${metric}`,
    'redis_instance',
    `resource.label.instance_id=ends_with("${names.redis(env, region)}")`,
    `resource.label.region="${region}"`,
    ...clauses,
  );
}

/** Cloud Run metrics of the API service in one region. */
export function runFilter(env: EnvironmentConfig, region: string, metric: string, ...clauses: string[]): string {
  return filter(
    `run.googleapis.com/${metric}`,
    'cloud_run_revision',
    `resource.label.service_name="${names.cloudRunService(env, region)}"`,
    `resource.label.location="${region}"`,
    ...clauses,
  );
}

/** Load-balancer metrics of the API URL map. */
export function lbFilter(env: EnvironmentConfig, metric: string, ...clauses: string[]): string {
  return filter(
    `loadbalancing.googleapis.com/${metric}`,
    'https_lb_rule',
    `resource.label.url_map_name="${names.urlMap(env)}"`,
    ...clauses,
  );
}

/** Uptime results of the given checks (ids may be `{{uptimeCheckId:<key>}}` placeholders). */
export function uptimeFilter(checkIds: readonly string[]): string {
  return filter('monitoring.googleapis.com/uptime_check/check_passed', 'uptime_url', oneOf('metric.label.check_id', checkIds));
}

/** The burn-rate time-series selector of an SLO over a lookback window. */
export function burnRateSelector(sloName: string, lookbackSeconds: number): string {
  return `select_slo_burn_rate("${sloName}", "${lookbackSeconds}s")`;
}

/** What each spec filter placeholder stands for in an environment. */
const PLACEHOLDER_VALUES: Record<(typeof CLOUD_MONITORING_FILTER_PLACEHOLDERS)[number], (env: EnvironmentConfig) => string> = {
  cloudRunServices: (env) => {
    const services = env.gcp.regions.map((r) => `"${names.cloudRunService(env, r.name)}"`);
    return services.length === 1 ? services[0]! : `one_of(${services.join(',')})`;
  },
  urlMap: (env) => `"${names.urlMap(env)}"`,
};

/**
 * Resolves the placeholders of a spec's Cloud Monitoring filter for one environment. Unknown
 * placeholders cannot reach here: `slo validate` rejects them.
 */
export function resolveSliFilter(env: EnvironmentConfig, specFilter: string): string {
  return specFilter.replace(/\{\{\.([A-Za-z]+)\}\}/g, (whole, name: string) => {
    const value = PLACEHOLDER_VALUES[name as keyof typeof PLACEHOLDER_VALUES];
    if (!value) throw new Error(`unknown cloud monitoring filter placeholder ${whole}`);
    return value(env);
  });
}
