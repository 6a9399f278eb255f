/** SLO compliance and uptime: how much of each SLO's objective is met. */
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { Slo } from '../../slos/model';
import { RANGE_WINDOW, recordedCompliance, sliCompliance } from '../queries';
import { COLOR, type PanelContext, statPanel, type Step } from './common';

/** The objective as a colour step: red below, green at or above. */
export function objectiveStep(slo: Slo): Step {
  return { value: slo.objective, color: COLOR.ok, origin: { kind: 'slo', sloId: slo.id, field: 'objective' } };
}

/** One stat per SLO of a service: recorded compliance over its SLO window, green at the objective. */
export function sloCompliancePanel(ctx: PanelContext, slos: readonly Slo[], span: number) {
  return statPanel(ctx, {
    title: 'SLO compliance',
    description: 'Share of good events over each SLO window (recorded by the SLO rules); green once the objective is met.',
    unit: units.PercentUnit,
    queries: slos.map((s) => ({ expr: recordedCompliance(s), legend: `${s.name} (${s.window})`, instant: true })),
    perQueryThresholds: slos.map((s) => ({ base: COLOR.bad, steps: [objectiveStep(s)] })),
    span,
    decimals: 3,
  });
}

/**
 * Uptime over the selected range from an availability SLO's SLI, green at its objective. Not
 * filtered by region: the probes hit the global endpoint, and their location is the prober's.
 */
export function uptimePanel(ctx: PanelContext, slo: Slo, span: number) {
  return statPanel(ctx, {
    title: 'Uptime',
    description: `Share of successful health probes over the selected time range (SLI of ${slo.id}); green at the ${slo.objectivePercent} % objective.`,
    unit: units.PercentUnit,
    queries: [{ expr: sliCompliance(slo, RANGE_WINDOW, []), legend: 'uptime', instant: true }],
    thresholds: { base: COLOR.bad, steps: [objectiveStep(slo)] },
    span,
    decimals: 3,
  });
}
