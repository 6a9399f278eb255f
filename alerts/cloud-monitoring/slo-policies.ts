/**
 * Cloud Monitoring SLOs from the same specs as the Prometheus rules: a custom service per
 * platform service, a request-based SLO per spec with a Cloud Monitoring SLI, and burn-rate
 * policies with the windows and factors of `slo.alerting.windows` (slos/burn-rate.ts).
 */
import { names } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { roundSignificant } from '../../slos/burn-rate';
import type { Slo, SloCatalog } from '../../slos/model';
import { burnRateSelector, resolveSliFilter } from './filters';
import type { CloudMonitoringSloSpec, PolicyDraft, ServiceSpec } from './model';
import { above } from './private/conditions';
import { ref } from './refs';

/** Cloud Monitoring accepts goals up to 0.9999. */
export const MAX_GOAL = 0.9999;
/** Rolling periods Cloud Monitoring accepts, in days. */
export const ROLLING_PERIOD_DAYS = { min: 1, max: 30 } as const;

/** SLOs of the catalog that have a Cloud Monitoring SLI. */
export function cloudMonitoringSlos(catalog: SloCatalog): Slo[] {
  return catalog.slos.filter((s) => s.cloudMonitoring !== undefined);
}

/** Key (and construct id) of the Cloud Monitoring SLO of a catalog SLO. */
export function sloKey(slo: Slo): string {
  return `${slo.service}-${slo.name}`;
}

/** One custom service per platform service that has at least one Cloud Monitoring SLO. */
export function customServices(env: EnvironmentConfig, catalog: SloCatalog): ServiceSpec[] {
  const services = [...new Set(cloudMonitoringSlos(catalog).map((s) => s.service))];
  return services.map((service) => ({ key: service, serviceId: `${env.name}-${service}`, displayName: `${env.name} ${service}`, service }));
}

/** The rolling period of an SLO in whole days; throws when Cloud Monitoring cannot express it. */
export function rollingPeriodDays(slo: Slo): number {
  const days = slo.windowSeconds / 86400;
  if (!Number.isInteger(days) || days < ROLLING_PERIOD_DAYS.min || days > ROLLING_PERIOD_DAYS.max) {
    throw new Error(
      `slo "${slo.id}": window ${slo.window} is not a whole number of days between ${ROLLING_PERIOD_DAYS.min} and ${ROLLING_PERIOD_DAYS.max}, so cloud monitoring cannot roll over it`,
    );
  }
  return days;
}

/** The Cloud Monitoring SLO of one spec; throws when the goal or the latency cut disagree with what the spec or the API allows. */
export function cloudMonitoringSlo(slo: Slo, env: EnvironmentConfig): CloudMonitoringSloSpec {
  const cm = slo.cloudMonitoring;
  if (!cm) throw new Error(`slo "${slo.id}" has no cloud monitoring sli`);
  if (slo.objective > MAX_GOAL) {
    throw new Error(`slo "${slo.id}": objective ${slo.objectivePercent} % is above the cloud monitoring maximum goal ${MAX_GOAL}`);
  }
  if (cm.kind === 'distributionCut' && slo.sli.kind === 'latency') {
    const cutSeconds = roundSignificant(cm.unit === 'ms' ? cm.rangeMax / 1000 : cm.rangeMax);
    if (cutSeconds !== slo.sli.thresholdSeconds) {
      throw new Error(
        `slo "${slo.id}": cloud monitoring rangeMax ${cm.rangeMax} ${cm.unit} differs from the latency threshold ${slo.sli.thresholdSeconds} s`,
      );
    }
  }
  const sli: CloudMonitoringSloSpec['sli'] =
    cm.kind === 'goodTotalRatio'
      ? {
          kind: 'goodTotalRatio',
          totalFilter: resolveSliFilter(env, cm.totalFilter),
          ...(cm.goodFilter ? { goodFilter: resolveSliFilter(env, cm.goodFilter) } : {}),
          ...(cm.badFilter ? { badFilter: resolveSliFilter(env, cm.badFilter) } : {}),
        }
      : { kind: 'distributionCut', distributionFilter: resolveSliFilter(env, cm.distributionFilter), rangeMax: cm.rangeMax };
  return {
    key: sloKey(slo),
    serviceKey: slo.service,
    sloId: slo.name,
    sloRef: slo.id,
    displayName: `${slo.id}: ${slo.objectivePercent} % over ${slo.window}`,
    goal: slo.objective,
    rollingPeriodDays: rollingPeriodDays(slo),
    sli,
    userLabels: { slo: sloKey(slo), team: slo.team },
  };
}

/**
 * Burn-rate policies of one SLO: per alert window, the long- and short-window burn rates must
 * both exceed the window's factor (AND), exactly as the Prometheus multi-window rule.
 */
export function burnRatePolicies(slo: Slo): PolicyDraft[] {
  const key = sloKey(slo);
  return slo.alerting.windows.map((w) => ({
    key: `slo-burn-${key}-${w.id}`,
    area: 'slo-burn-rate',
    displayName: `${slo.alerting.name} ${w.id}: ${slo.id} burning ${w.factor}× its error budget`,
    severity: w.severity,
    combiner: 'AND',
    conditions: [w.longWindowSeconds, w.shortWindowSeconds].map((lookback, i) =>
      above(`burn rate over ${i === 0 ? w.longWindow : w.shortWindow}`, burnRateSelector(ref('sloName', key), lookback), w.factor, 0, []),
    ),
    runbookAnchor: 'slo-burn-rate',
    summary: `${slo.id} (${slo.objectivePercent} % over ${slo.window}) spends its error budget ${w.factor}× faster than sustainable over both ${w.longWindow} and ${w.shortWindow}: ${Number((w.budgetShare * 100).toPrecision(3))} % of the budget in ${w.longWindow} if it continues.`,
    firstSteps: [
      w.kind === 'page'
        ? 'Acknowledge, then find the failing region or dependency on the golden-signals dashboard.'
        : 'Open a ticket; this is a slow burn that will exhaust the budget before the window ends.',
      'Compare with the Prometheus alert of the same name: both read the same windows and factors.',
    ],
    thresholdNote: `burn-rate factor of the ${w.id} window (slos/burn-rate.ts)`,
    labels: { slo: key, window: w.id, team: slo.team },
    ...(slo.alerting.runbookUrl ? { links: [{ displayName: `${slo.id} runbook`, url: slo.alerting.runbookUrl }] } : {}),
  }));
}

/**
 * Warnings for SLI filters that pin a Cloud Run service or URL map this environment does not
 * create: such an SLO is valid but would never see a request. The filters are written in the
 * spec, the names come from environments/naming.ts, so the two can drift apart.
 */
export function sloFilterWarnings(env: EnvironmentConfig, slo: Slo): string[] {
  const cm = slo.cloudMonitoring;
  if (!cm) return [];
  const specFilters = cm.kind === 'goodTotalRatio' ? [cm.goodFilter, cm.badFilter, cm.totalFilter] : [cm.distributionFilter];
  const filters = specFilters.map((f) => (f === undefined ? undefined : resolveSliFilter(env, f)));
  const known = {
    service_name: env.gcp.regions.map((r) => names.cloudRunService(env, r.name)),
    url_map_name: [names.urlMap(env)],
  };
  const warnings = new Set<string>();
  for (const f of filters) {
    for (const [label, allowed] of Object.entries(known)) {
      for (const m of (f ?? '').matchAll(new RegExp(`resource\\.labels?\\.${label}\\s*=\\s*"([^"]*)"`, 'g'))) {
        if (!allowed.includes(m[1]!)) {
          warnings.add(
            `slo "${slo.id}": its cloud monitoring filter selects ${label} "${m[1]}", which environment "${env.name}" does not create (it has ${allowed.join(', ')}); the slo would see no requests`,
          );
        }
      }
    }
  }
  return [...warnings];
}
