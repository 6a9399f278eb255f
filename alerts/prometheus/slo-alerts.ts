/**
 * Burn-rate and budget-consumption alerts of one SLO (SRE Workbook, "Alerting on SLOs",
 * multiwindow multi-burn-rate alerts). Every window, factor and threshold comes from the SLO
 * model's `alerting.windows`, which `slos/burn-rate.ts` resolved.
 */
import type { BurnWindow } from '../../slos/burn-rate';
import { ticketKeepFiringForSeconds } from '../../slos/alert-timing';
import { formatDuration, humanDuration } from '../../slos/duration';
import {
  BUDGET_REMAINING_RECORD,
  budgetAlertName,
  LABEL,
  noDataAlertName,
  sloDashboardUid,
  sloRuleGroupName,
} from '../../slos/conventions';
import { totalEventsQuery, type Slo } from '../../slos/model';
import type { AlertingRule, AlertRouting, RuleGroup } from './rules';
import { recordedRatio, sliRecordingRules, sloSelector } from './sli-rules';

/** Where every alert of an SLO routes to: its team, its runbook section and the SLO dashboard. */
export function sloRouting(slo: Slo): AlertRouting {
  return {
    team: slo.team,
    ...(slo.alerting.runbookUrl ? { runbookUrl: slo.alerting.runbookUrl } : {}),
    runbookPath: `slos.md#${slo.name}`,
    dashboardUid: sloDashboardUid(),
  };
}

/**
 * The condition of one window: the long-window and the short-window error ratio both above the
 * window's threshold (factor × error budget). The short window makes the alert reset soon after
 * the errors stop.
 */
export function windowCondition(slo: Slo, w: BurnWindow): string {
  return [
    `  ${recordedRatio(slo, w.longWindow)} > ${w.errorRatioThreshold}`,
    `  and`,
    `  ${recordedRatio(slo, w.shortWindow)} > ${w.errorRatioThreshold}`,
  ].join('\n');
}

/**
 * Expression of a burn-rate alert: the OR of its windows' conditions, divided by the error budget
 * so that the alert's value (`$value`) is the burn rate over the long window of the first window
 * that matches.
 */
export function burnRateExpr(slo: Slo, windows: readonly BurnWindow[]): string {
  const branches = windows.map((w) => `(\n${windowCondition(slo, w)}\n)`).join('\nor\n');
  const indented = branches
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `(\n${indented}\n)\n/ ${slo.errorBudget}`;
}

/** Description template of a burn-rate alert: the current burn rate and what it means. */
export function burnRateDescription(slo: Slo, windows: readonly BurnWindow[]): string {
  const conditions = windows.map((w) => `${w.factor}× over ${w.longWindow} and ${w.shortWindow}`).join(', or ');
  return (
    `{{ $labels.service }}/{{ $labels.slo }} is spending its ${slo.window} error budget ` +
    `{{ printf "%.1f" $value }}× as fast as the objective of ${slo.objectivePercent} % allows ` +
    `(alert threshold: ${conditions}).`
  );
}

/** One page or ticket alert over `windows` (all of the same kind). */
function burnRateAlert(slo: Slo, kind: 'page' | 'ticket', windows: readonly BurnWindow[]): AlertingRule {
  const fastest = windows[0]!;
  const summary =
    kind === 'page'
      ? `The SLO ${slo.id} is burning its error budget fast.`
      : `The SLO ${slo.id} is burning its error budget faster than the objective allows.`;
  const keepFiringFor = kind === 'ticket' ? ticketKeepFiringForSeconds(windows) : 0;
  return {
    alert: slo.alerting.name,
    expr: burnRateExpr(slo, windows),
    // A ticket at a steady burn right at its factor would resolve and fire again on every dip of its ratios.
    ...(keepFiringFor > 0 ? { keepFiringFor: formatDuration(keepFiringFor) } : {}),
    labels: {
      ...slo.alerting.labels,
      ...slo.alerting.kindLabels[kind],
      [LABEL.severity]: fastest.severity,
      [LABEL.alertKind]: kind,
    },
    annotations: { summary, description: burnRateDescription(slo, windows) },
    routing: sloRouting(slo),
  };
}

/** The page alert and the ticket alert of an SLO (each only when it has enabled windows). */
export function burnRateAlerts(slo: Slo): AlertingRule[] {
  const out: AlertingRule[] = [];
  for (const kind of ['page', 'ticket'] as const) {
    const windows = slo.alerting.windows.filter((w) => w.kind === kind);
    if (windows.length > 0) out.push(burnRateAlert(slo, kind, windows));
  }
  return out;
}

/**
 * The budget-consumption alert: one rule for all thresholds, so the rule count does not grow with
 * them. Each threshold is a branch that adds its `budget_consumed_percent` label to the recorded
 * remaining budget (`label_replace` on an empty source label); every threshold passed is one alert
 * instance. Empty when the spec lists no thresholds.
 */
export function budgetConsumedAlerts(slo: Slo): AlertingRule[] {
  const { thresholdsPercent, severity } = slo.alerting.budgetConsumed;
  if (thresholdsPercent.length === 0) return [];
  const branches = thresholdsPercent.map(
    (percent) =>
      `label_replace(${BUDGET_REMAINING_RECORD}${sloSelector(slo)} < ${remainingBelow(percent)}, "${LABEL.budgetPercent}", "${percent}", "", "")`,
  );
  return [
    {
      alert: budgetAlertName(slo.alerting.name),
      expr: branches.join('\nor\n'),
      labels: { ...slo.alerting.labels, [LABEL.severity]: severity },
      annotations: {
        summary: `The SLO ${slo.id} has spent a large share of its error budget.`,
        description:
          `{{ $labels.service }}/{{ $labels.slo }} has spent more than {{ $labels.${LABEL.budgetPercent} }} % ` +
          `of its ${slo.window} error budget (${humanDuration(slo.errorBudget * slo.windowSeconds)} of full outage).`,
      },
      routing: sloRouting(slo),
    },
  ];
}

/**
 * The no-data alert: the SLI's total events over the no-data window are absent (no series: a
 * broken exporter, a renamed metric) or zero (no traffic), for as long again. Every burn-rate
 * alert of the SLO is blind meanwhile, so without this a dead exporter leaves the SLO green
 * forever. The rule labels carry `slo` and `service` (the expression has none to give). Empty
 * when disabled or when the SLI has no separable total.
 */
export function noDataAlerts(slo: Slo): AlertingRule[] {
  const noData = slo.alerting.noData;
  const total = noData && totalEventsQuery(slo.sli, noData.window);
  if (!noData || !total) return [];
  return [
    {
      alert: noDataAlertName(slo.alerting.name),
      expr: `absent(${total})\nor\n${total} == 0`,
      for: noData.window,
      labels: {
        ...slo.alerting.labels,
        ...noData.labels,
        [LABEL.slo]: slo.name,
        [LABEL.service]: slo.service,
        [LABEL.severity]: noData.severity,
      },
      annotations: {
        summary: `The SLO ${slo.id} has no data: its burn-rate alerts cannot fire.`,
        description: `The SLI of ${slo.id} counted no events over ${noData.window}, for ${noData.window}: its series are absent (value 1: an exporter down, a metric renamed) or carry no traffic (value 0); value {{ $value }}.`,
      },
      routing: sloRouting(slo),
    },
  ];
}

/** The remaining share below which `percent` % of the budget is spent: 1 − percent / 100. */
function remainingBelow(percent: number): number {
  return Number((1 - percent / 100).toPrecision(12));
}

/** The alerts of an SLO: its burn-rate alerts, its budget alerts, then its no-data alert. */
export function sloAlertRules(slo: Slo): AlertingRule[] {
  return [...burnRateAlerts(slo), ...budgetConsumedAlerts(slo), ...noDataAlerts(slo)];
}

/**
 * The rule group of an SLO: its SLI recording rules, then the alerts that read them. Prometheus
 * evaluates a group's rules in order and each rule sees what the rules before it recorded in the
 * same evaluation, while separate groups run at offsets hashed from their names: with the SLI
 * series in a group of their own an alert read ratios up to one interval old, and fired up to an
 * evaluation later than `slo explain` says.
 */
export function sloRuleGroup(slo: Slo): RuleGroup {
  return { name: sloRuleGroupName(slo.service, slo.name), rules: [...sliRecordingRules(slo), ...sloAlertRules(slo)] };
}
