/**
 * Panels of the SLO dashboard, four per SLO: the SLI over the SLO window against the objective,
 * the error budget left, the burn rate over each alert window against the alert factors, and the
 * SLO's firing alerts.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { Slo } from '../../slos/model';
import { budgetRemaining, burnRate, burnRateWindows, firingAlerts, recordedCompliance } from '../queries';
import { COLOR, type PanelContext, panelKey, statPanel, type Step, timeseriesPanel } from './common';
import { objectiveStep } from './compliance';

/** Widths of the four panels of one SLO; they fill the 24-column grid. */
export const SLO_PANEL_SPANS = Object.freeze({ sli: 9, budget: 4, burn: 8, alerts: 3 });

/** The SLI over the SLO window, green above the objective. */
export function sliPanel(ctx: PanelContext, slo: Slo) {
  return timeseriesPanel(ctx, {
    title: `${slo.name}: SLI over ${slo.window}`,
    description: `${slo.description} Share of good events over the rolling ${slo.window} window; the dashed line is the ${slo.objectivePercent} % objective.`,
    unit: units.PercentUnit,
    queries: [{ expr: recordedCompliance(slo), legend: `SLI (${slo.window})` }],
    span: SLO_PANEL_SPANS.sli,
    thresholds: { base: COLOR.bad, steps: [objectiveStep(slo)] },
  });
}

/**
 * Colour steps of the budget left: green above the first budget-consumption alert level, then
 * yellow and orange at the next ones (the last step is 0 left, i.e. 100 % consumed), red below 0:
 * Grafana colours a value by the highest step at or below it, so exactly 0 is still orange.
 */
export function budgetSteps(slo: Slo): Step[] {
  const percents = [...new Set([...slo.alerting.budgetConsumed.thresholdsPercent, 100])].sort((a, b) => a - b);
  const palette = [COLOR.ok, COLOR.warn, COLOR.high];
  return percents.map((percent, i) => ({
    value: Number((1 - percent / 100).toPrecision(12)),
    color: palette[Math.min(i, palette.length - 1)]!,
    origin: { kind: 'budget-consumed', sloId: slo.id, percent },
  }));
}

/** Error budget left over the SLO window. */
export function budgetPanel(ctx: PanelContext, slo: Slo) {
  return statPanel(ctx, {
    title: 'Error budget left',
    description: `Share of the ${slo.window} error budget (${Number((slo.errorBudget * 100).toPrecision(12))} % of events) not yet spent; negative once overspent.`,
    unit: units.PercentUnit,
    queries: [{ expr: budgetRemaining(slo), legend: 'budget left', instant: true }],
    thresholds: { base: COLOR.bad, steps: budgetSteps(slo) },
    span: SLO_PANEL_SPANS.budget,
    decimals: 1,
  });
}

/** Burn rate over every alert window, with each alert's factor as a line (red pages, orange tickets). */
export function burnRatePanel(ctx: PanelContext, slo: Slo) {
  const byFactor = new Map<number, Step>();
  for (const w of slo.alerting.windows) {
    const existing = byFactor.get(w.factor);
    if (existing && existing.color === COLOR.bad) continue;
    byFactor.set(w.factor, {
      value: w.factor,
      color: w.kind === 'page' ? COLOR.bad : COLOR.high,
      origin: { kind: 'burn-factor', sloId: slo.id, windowId: w.id },
    });
  }
  const panel = timeseriesPanel(ctx, {
    title: 'Burn rate',
    description:
      'Error ratio over each alert window divided by the error budget (1 = spending exactly the budget). ' +
      slo.alerting.windows
        .map((w) => `${w.kind} alert (${w.severity}) at ${w.factor}× over ${w.longWindow} and ${w.shortWindow}`)
        .join('; ') +
      '.',
    unit: 'suffix:×',
    queries: burnRateWindows(slo).map((w) => ({ expr: burnRate(slo, w), legend: w })),
    span: SLO_PANEL_SPANS.burn,
    min: 0,
    thresholds: { base: COLOR.ok, steps: [...byFactor.values()] },
  });
  // The Grafana-managed burn-rate rules of the SLO link here.
  ctx.nameLast(panelKey('burn-rate', slo.id));
  return panel;
}

/** The SLO's firing alerts by name and severity; "none" when quiet. */
export function firingAlertsPanel(ctx: PanelContext, slo: Slo) {
  return statPanel(ctx, {
    title: 'Firing alerts',
    description: `Alerts of ${slo.id} firing now (${slo.alerting.name} and its budget alerts).`,
    unit: units.Short,
    queries: [{ expr: firingAlerts(slo), legend: '{{alertname}} {{severity}}', instant: true }],
    span: SLO_PANEL_SPANS.alerts,
    noValue: 'none',
  }).colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Fixed).fixedColor(COLOR.bad));
}

/** The four panels of one SLO, in layout order. */
export function sloPanels(ctx: PanelContext, slo: Slo) {
  return [sliPanel(ctx, slo), budgetPanel(ctx, slo), burnRatePanel(ctx, slo), firingAlertsPanel(ctx, slo)];
}
