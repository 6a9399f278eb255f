/**
 * The platform layer: what the bundled platform (one API on Cloud Run, Redis, Cloud SQL, behind
 * a global load balancer) adds to the engine's output when an environment is given (`--env`):
 * the symptom group and its promtool scenarios in the file of the service that holds the
 * platform SLOs, the region and Cloud Run service variables with a region filter on every
 * golden-signals dashboard, the platform's traffic, latency and SLO rows, and saturation of the
 * shared infrastructure.
 */
import type { AlertLinks } from '../../alerts/prometheus/policy';
import type { PlatformSlos } from '../../environments/platform-slos';
import type { EnvironmentConfig } from '../../environments/schema';
import type { SloCatalog } from '../../slos/model';
import type { EngineInputs, SloLayer } from '../layer';
import { platformDashboardRows, regionVariable, serviceVariable } from './dashboard-rows';
import { platformMetricsContract } from './metrics-contract';
import { REGION_FILTER } from './queries';
import { SYMPTOM_EVALUATION_INTERVAL_SECONDS, symptomScenarios } from './symptom-scenarios';
import { symptomTimings } from './symptom-timing';
import { symptomGroup, symptomInputs } from './symptoms';

/** Name of the platform layer. */
export const PLATFORM_LAYER = 'platform';

/** The platform layer of `env`, with its platform SLOs resolved from `catalog` (once, at load). */
export function platformLayer(catalog: SloCatalog, env: EnvironmentConfig, platform: PlatformSlos): SloLayer {
  const symptoms = symptomInputs(platform, env);
  const here = (service: string) => service === symptoms.service;
  return {
    name: PLATFORM_LAYER,
    ruleGroups: (service) => (here(service) ? [symptomGroup(symptoms)] : []),
    scenarios: (service, withPolicy) => (here(service) ? symptomScenarios(symptoms, withPolicy) : []),
    maxEvaluationIntervalSeconds: (service) => (here(service) ? SYMPTOM_EVALUATION_INTERVAL_SECONDS : undefined),
    dashboardRows: (service) => platformDashboardRows(catalog, platform, env, service),
    dashboardVariables: () => [regionVariable(env), serviceVariable(env)],
    queryMatchers: () => REGION_FILTER,
    metricsContract: () => platformMetricsContract(env, platform),
    alertTimings: (options) => symptomTimings(symptoms, options),
  };
}

/** The alert links an environment sets: its runbook base URL and its Grafana. */
export function environmentLinks(env: EnvironmentConfig): AlertLinks {
  return { runbookBaseUrl: env.runbookBaseUrl, grafanaUrl: env.grafana.url };
}

/**
 * The engine inputs of an environment: the platform layer and the environment's links, each link
 * overridden by `links` when given there (CLI flags).
 */
export function platformEngineInputs(
  catalog: SloCatalog,
  env: EnvironmentConfig,
  platform: PlatformSlos,
  links: AlertLinks = {},
): EngineInputs {
  const fromEnv = environmentLinks(env);
  return {
    links: {
      runbookBaseUrl: links.runbookBaseUrl ?? fromEnv.runbookBaseUrl,
      grafanaUrl: links.grafanaUrl ?? fromEnv.grafanaUrl,
    },
    layers: [platformLayer(catalog, env, platform)],
  };
}
