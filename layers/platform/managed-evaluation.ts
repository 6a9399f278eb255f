/**
 * What Cloud Monitoring's PromQL policies of an environment are built from
 * (alerts/cloud-monitoring/promql-policies.ts): every service's rule file with the platform layer
 * (the symptoms) and the environment's links, and which metrics Cloud Monitoring holds. The
 * monitoring stack and `slo test --env` (the three-path check) both read it here.
 */
import { alertPathDifferences } from '../../alerts/alert-paths';
import { notificationChannels, severityRouting } from '../../alerts/cloud-monitoring/channels';
import { finishPolicies } from '../../alerts/cloud-monitoring/documentation';
import { evaluatesOnCloudMonitoring, promqlPolicies, type PromqlPolicyInputs } from '../../alerts/cloud-monitoring/promql-policies';
import { grafanaBurnRateRuleGroups } from '../../alerts/grafana/burn-rate-rules';
import { serviceRuleFile } from '../../alerts/prometheus/artifacts';
import { platformSlos } from '../../environments/platform-slos';
import type { EnvironmentConfig } from '../../environments/schema';
import type { SloCatalog } from '../../slos/model';
import { platformEngineInputs } from './layer';
import { metricsOutsideCloudMonitoring } from './metrics-contract';

/** The rule files of `env` over `catalog` and the metrics Cloud Monitoring holds. */
export function promqlPolicyInputs(inputs: { readonly env: EnvironmentConfig; readonly catalog: SloCatalog }): PromqlPolicyInputs {
  const { env, catalog } = inputs;
  const platform = platformSlos(env, catalog);
  const engine = platformEngineInputs(catalog, env, platform);
  const outside = new Set(metricsOutsideCloudMonitoring(env, platform));
  return {
    catalog,
    ruleFiles: catalog.services.map((service) => serviceRuleFile(catalog, service, engine)),
    collected: (metric) => !outside.has(metric),
  };
}

/**
 * The three-path check of an environment (alerts/alert-paths.ts): its rule files, its
 * Grafana-managed rules (with `grafana.managedAlerts`) and its Cloud Monitoring PromQL policies
 * (with `sloEvaluation` managed or both), compared per SLO; every difference, one line each.
 */
export function alertPathProblems(env: EnvironmentConfig, catalog: SloCatalog): string[] {
  const inputs = promqlPolicyInputs({ env, catalog });
  // The PromQL policies alone, finished as the plan finishes them (channels, documentation): the
  // rest of the plan (infrastructure thresholds) is not an alert path of the SLOs.
  const routing = severityRouting(notificationChannels(env));
  return alertPathDifferences({
    ruleFiles: inputs.ruleFiles,
    ...(env.grafana.managedAlerts ? { grafana: grafanaBurnRateRuleGroups(catalog, env, { prometheusUid: 'prometheus' }) } : {}),
    ...(evaluatesOnCloudMonitoring(env.sloEvaluation) ? { cloudMonitoring: finishPolicies(promqlPolicies(inputs), env, routing) } : {}),
    channelKeys: routing.channelKeys,
  });
}
