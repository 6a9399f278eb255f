/** The whole Cloud Monitoring plan of one environment, as plain data. */
import type { EnvironmentConfig } from '../../environments/schema';
import type { SloCatalog } from '../../slos/model';
import { notificationChannels, severityRouting } from './channels';
import { finishPolicies } from './documentation';
import type { MonitoringPlan } from './model';
import { checkPolicyCount, evaluatesOnCloudMonitoring, promqlPolicies, type PromqlPolicyInputs } from './promql-policies';
import { redisPolicies } from './redis-policies';
import { runPolicies } from './run-policies';
import { burnRatePolicies, cloudMonitoringSlo, cloudMonitoringSlos, customServices, sloFilterWarnings } from './slo-policies';
import { sqlPolicies } from './sql-policies';
import { monitoringThresholds } from './thresholds';
import { uptimeChecks, uptimePolicies } from './uptime';

/** Throws when two items share a key (keys are construct ids). */
function assertUniqueKeys(what: string, items: readonly { key: string }[]): void {
  const seen = new Set<string>();
  for (const { key } of items) {
    if (seen.has(key)) throw new Error(`duplicate ${what} key "${key}"`);
    seen.add(key);
  }
}

/**
 * Channels, uptime checks, services, SLOs and every policy of an environment. With `promql` (the
 * rule files) and `env.sloEvaluation` managed or both, also one PromQL policy per alert of the
 * rule files; throws, naming the SLO, when a Cloud Monitoring limit is exceeded.
 */
export function cloudMonitoringPlan(env: EnvironmentConfig, catalog: SloCatalog, promql?: PromqlPolicyInputs): MonitoringPlan {
  const t = monitoringThresholds(env, catalog);
  const channels = notificationChannels(env);
  const routing = severityRouting(channels);
  const checks = uptimeChecks(env);
  const slos = cloudMonitoringSlos(catalog);
  const drafts = [
    ...redisPolicies(env, t),
    ...sqlPolicies(env, t),
    ...runPolicies(env, catalog, t),
    ...uptimePolicies(env, checks, t),
    ...slos.flatMap(burnRatePolicies),
    ...(promql && evaluatesOnCloudMonitoring(env.sloEvaluation) ? promqlPolicies(promql) : []),
  ];
  checkPolicyCount(drafts);
  const plan: MonitoringPlan = {
    channels,
    uptimeChecks: checks,
    services: customServices(env, catalog),
    slos: slos.map((s) => cloudMonitoringSlo(s, env)),
    policies: finishPolicies(drafts, env, routing),
    routingFallbacks: routing.fallbacks,
    warnings: slos.flatMap((s) => sloFilterWarnings(env, s)),
  };
  assertUniqueKeys('channel', plan.channels);
  assertUniqueKeys('uptime check', plan.uptimeChecks);
  assertUniqueKeys('slo', plan.slos);
  assertUniqueKeys('policy', plan.policies);
  return plan;
}
