/** Latency panels: quantiles of an SLO's histogram with the SLO's latency threshold as a line. */
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { LatencySlo } from '../../slos/model';
import { latencyQuantile, RATE_WINDOW } from '../queries';
import { COLOR, type PanelContext, timeseriesPanel } from './common';

/** `0.99` → `p99`, `0.999` → `p99.9`. */
export function quantileLabel(q: number): string {
  return `p${Number((q * 100).toPrecision(10))}`;
}

/**
 * Latency of a histogram SLI at `quantiles` (plus the quantile the objective names, so the line
 * that decides the SLO is always drawn), with the SLO's threshold in seconds as the line.
 */
export function latencyPanel(ctx: PanelContext, slo: LatencySlo, quantiles: readonly number[], span: number, title: string) {
  const qs = [...new Set([...quantiles, slo.objective])].sort((a, b) => a - b);
  return timeseriesPanel(ctx, {
    title,
    description: `${qs.map(quantileLabel).join(', ')} of ${slo.id}. The SLO holds while ${quantileLabel(slo.objective)} stays under the dashed line (${slo.sli.thresholdSeconds} s).`,
    unit: units.Seconds,
    queries: qs.map((q) => ({ expr: latencyQuantile(slo.sli, q, RATE_WINDOW, ctx.filter), legend: quantileLabel(q) })),
    span,
    min: 0,
    thresholds: {
      base: COLOR.ok,
      steps: [{ value: slo.sli.thresholdSeconds, color: COLOR.bad, origin: { kind: 'slo', sloId: slo.id, field: 'thresholdSeconds' } }],
    },
  });
}
