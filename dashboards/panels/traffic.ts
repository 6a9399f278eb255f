/** Traffic and errors: request rate, error rate and total requests. */
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { Slo } from '../../slos/model';
import { RATE_WINDOW, sliErrorRatio, sliTotalCount, sliTotalRate } from '../queries';
import { COLOR, type PanelContext, statPanel, timeseriesPanel } from './common';

/**
 * Requests per second: the rate of all events of each SLO's SLI, one series per SLO (undefined
 * when no SLI has a separable total).
 */
export function requestRatePanel(ctx: PanelContext, slos: readonly Slo[], span: number) {
  const queries = slos.flatMap((s) => {
    const expr = sliTotalRate(s, RATE_WINDOW, ctx.filter);
    return expr === undefined ? [] : [{ expr, legend: slos.length === 1 ? 'requests' : s.name }];
  });
  if (queries.length === 0) return undefined;
  return timeseriesPanel(ctx, {
    title: 'Request rate',
    description: `Requests per second counted by the SLI of ${slos.map((s) => s.id).join(', ')}, in the selected regions.`,
    unit: units.RequestsPerSecond,
    queries,
    span,
    min: 0,
  });
}

/** Error ratio of `slo`'s SLI with its error budget as the threshold line. */
export function errorRatePanel(ctx: PanelContext, slo: Slo, span: number, title = 'Error rate') {
  return timeseriesPanel(ctx, {
    title,
    description: `Share of bad events of ${slo.id}. The dashed line is its error budget (1 − objective ${slo.objectivePercent} %): above it the SLO is burning faster than it may.`,
    unit: units.PercentUnit,
    queries: [{ expr: sliErrorRatio(slo, RATE_WINDOW, ctx.filter), legend: 'error ratio' }],
    span,
    min: 0,
    thresholds: {
      base: COLOR.ok,
      steps: [{ value: slo.errorBudget, color: COLOR.bad, origin: { kind: 'slo', sloId: slo.id, field: 'errorBudget' } }],
    },
  });
}

/** Number of requests over the selected time range (undefined when the SLI has no total). */
export function totalRequestsPanel(ctx: PanelContext, slo: Slo, span: number) {
  const expr = sliTotalCount(slo, ctx.filter);
  if (expr === undefined) return undefined;
  return statPanel(ctx, {
    title: 'Total requests',
    description: `Requests counted by the SLI of ${slo.id} over the selected time range.`,
    unit: units.Short,
    queries: [{ expr, legend: 'requests', instant: true }],
    span,
    decimals: 0,
  });
}
