/**
 * SLI recording rules of one SLO: the error ratio over every window its alerts read, the ratio
 * over the whole SLO window, the objective and the share of the error budget left.
 */
import { parseDuration } from '../../slos/duration';
import { BUDGET_REMAINING_RECORD, errorRatioRecord, LABEL, OBJECTIVE_RECORD, sliGroupName } from '../../slos/conventions';
import { errorRatioQuery, type Slo } from '../../slos/model';
import type { RecordingRule, RuleGroup } from './rules';

/**
 * The windows recorded for an SLO, shortest first: each long and short window of its enabled
 * burn-rate alerts, plus the SLO window itself. Nothing else is recorded, which keeps the rule
 * count at or below Sloth's for the same SLO (Sloth records every window of its table whether an
 * alert reads it or not).
 */
export function recordedWindows(slo: Slo): string[] {
  const windows = new Set<string>([slo.window]);
  for (const w of slo.alerting.windows) {
    windows.add(w.longWindow);
    windows.add(w.shortWindow);
  }
  return [...windows].sort((a, b) => parseDuration(a) - parseDuration(b));
}

/** Labels on every recorded series of an SLO: `slo`, `service`, the team and the spec's labels. */
export function sloSeriesLabels(slo: Slo): Record<string, string> {
  return { ...slo.labels, [LABEL.slo]: slo.name, [LABEL.service]: slo.service, [LABEL.team]: slo.team };
}

/** PromQL selector of an SLO's recorded series: `{service="api", slo="error-rate"}`. */
export function sloSelector(slo: Slo): string {
  return `{${LABEL.service}="${slo.service}", ${LABEL.slo}="${slo.name}"}`;
}

/** The recorded error ratio of an SLO over `window`, as an instant selector. */
export function recordedRatio(slo: Slo, window: string): string {
  return `${errorRatioRecord(window)}${sloSelector(slo)}`;
}

/**
 * The recording expression of an SLO's error ratio over `window`. For a ratio SLI the error query
 * falls back to `vector(0)`: a service that never answered a 5xx has no error series at all, and
 * without the fallback its ratio (and so its remaining budget) would be absent — "no data" on the
 * dashboards of exactly the healthiest services — instead of 0. `vector(0)` costs nothing (unlike
 * repeating the total query) and matches the label-less `sum(...)` an SLO's total is; a grouped
 * total simply keeps the old behaviour. An SLI given as good events needs no fallback: its error
 * query already counts a missing good series as zero good events (`errorQueryFromGood`), so a
 * total outage reads 1, not 0. With no traffic the ratio is 0 / 0 = NaN, which no alert
 * comparison matches, so an idle service never pages; with no series at all it stays absent.
 */
export function recordedErrorRatioExpr(slo: Slo, window: string): string {
  return rawErrorRatioExpr(slo, window);
}

/**
 * An SLO's error ratio over `window` as one query over the raw series (a ratio SLI's errors
 * falling back to `vector(0)`): the form of every recorded window, and the form a window takes
 * where nothing is recorded (Cloud Monitoring's PromQL conditions,
 * alerts/cloud-monitoring/promql-policies.ts).
 */
export function rawErrorRatioExpr(slo: Slo, window: string): string {
  const sli = slo.sli;
  if (sli.kind !== 'ratio' || sli.goodQuery !== undefined) return errorRatioQuery(sli, window);
  return errorRatioQuery({ ...sli, errorQuery: `(${sli.errorQuery}) or vector(0)` }, window);
}

/**
 * The SLI group of an SLO. The whole-window ratio is computed from rates over the SLO window (not
 * averaged from the 5 m series as Sloth does): it weighs every event equally, whatever the traffic
 * of each 5 minutes, and it exists for SLOs whose fast windows are disabled.
 */
export function sliRecordingGroup(slo: Slo): RuleGroup {
  const labels = sloSeriesLabels(slo);
  const ratios: RecordingRule[] = recordedWindows(slo).map((w) => ({
    record: errorRatioRecord(w),
    expr: recordedErrorRatioExpr(slo, w),
    labels,
  }));
  const meta: RecordingRule[] = [
    { record: OBJECTIVE_RECORD, expr: `vector(${slo.objective})`, labels },
    {
      record: BUDGET_REMAINING_RECORD,
      expr: `1 - ${recordedRatio(slo, slo.window)} / ${slo.errorBudget}`,
      labels,
    },
  ];
  return { name: sliGroupName(slo.service, slo.name), rules: [...ratios, ...meta] };
}
