/**
 * SLI recording rules of one SLO: its error and total rates over the base window (5 m), the error
 * ratio over every window its alerts read and over the whole SLO window, the objective and the
 * share of the error budget left.
 */
import { isSummedSloWindow, type SliKindOf } from '../../slos/alert-timing';
import { BASE_RATE_WINDOW_SECONDS } from '../../slos/burn-rate';
import { formatDuration, parseDuration } from '../../slos/duration';
import {
  BUDGET_REMAINING_RECORD,
  errorRateRecord,
  errorRatioRecord,
  LABEL,
  OBJECTIVE_RECORD,
  totalRateRecord,
} from '../../slos/conventions';
import { errorRatioQuery, latencyRates, recordsBaseRates, totalEventsQuery, type Slo } from '../../slos/model';
import type { RecordingRule } from './rules';

/** The base window the error and total rates are recorded over: `5m`. */
export const BASE_RATE_WINDOW = formatDuration(BASE_RATE_WINDOW_SECONDS);

/**
 * The windows whose error ratio is recorded for an SLO, shortest first: each long and short window
 * of its enabled burn-rate alerts, plus the SLO window itself. Nothing else is recorded, which keeps
 * the rule count at or below Sloth's for the same SLO (Sloth records every window of its table
 * whether an alert reads it or not).
 */
export function recordedWindows(slo: Slo): string[] {
  const windows = new Set<string>([slo.window]);
  for (const w of slo.alerting.windows) {
    windows.add(w.longWindow);
    windows.add(w.shortWindow);
  }
  return [...windows].sort((a, b) => parseDuration(a) - parseDuration(b));
}

/** True when the ratio over `window` is summed from the recorded base rates (windows of a day or more). */
export function summedFromBaseRates(slo: SliKindOf, window: string): boolean {
  return isSummedSloWindow(slo, parseDuration(window));
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
 * The recording expression of an SLO's rate of bad events over the base window. For a ratio SLI
 * the error query falls back to `vector(0)`: a service that never answered a 5xx has no error
 * series at all, and without the fallback its ratios (and so its remaining budget) would be absent
 * — "no data" on the dashboards of exactly the healthiest services — instead of 0. `vector(0)`
 * matches the label-less `sum(...)` an SLO's total is; a grouped total simply keeps the old
 * behaviour. An SLI given as good events needs no fallback: its error query already counts a
 * missing good series as zero good events (`errorQueryFromGood`), so a total outage reads 1, not
 * 0. A latency SLI subtracts the good bucket from the total recorded just before (`on()`: both
 * sides are one label-less sum), so `_count` is read once. The rate is never NaN: without traffic
 * it is 0, so a sum over a window that held an idle 5 minutes stays a number.
 */
export function errorRateExpr(slo: Slo): string {
  const sli = slo.sli;
  if (sli.kind === 'latency') {
    const { good } = latencyRates(sli, BASE_RATE_WINDOW);
    return `${totalRateRecord(BASE_RATE_WINDOW)}${sloSelector(slo)}\n- on ()\n${good}`;
  }
  if (sli.kind !== 'ratio') throw new Error(`internal: ${slo.id} has no separable error rate`);
  const errors = sli.errorQuery.replaceAll('{{.window}}', BASE_RATE_WINDOW);
  return sli.goodQuery !== undefined ? `(${errors})` : `(${errors}) or vector(0)`;
}

/**
 * The recording expression of an SLO's error ratio over `window`:
 * - a window of a day or more (the ticket's 3 d, the SLO window) is summed from the recorded base
 *   rates: `sum_over_time(errors[W]) / sum_over_time(total[W])`. Every recorded rate is a 5 m
 *   average, and each event is counted in as many of them as the error rate as in the total, so
 *   the ratio stays the traffic-weighted ratio of the window (not a mean of 5 m ratios, which
 *   weighs a quiet night like a peak), counter resets included (rate() handles them). It reads one
 *   recorded sample per evaluation instead of every raw sample of every series of the window, and
 *   lags a step change by up to half the base window (`summedWindowLagSeconds` in
 *   `slos/alert-timing.ts`);
 * - the base window itself is the ratio of the two recorded rates;
 * - every other window (30 m, 1 h, 6 h) is one query over raw series (for a latency SLI
 *   `1 − good / count`, reading `_count` once).
 * Without traffic every form is 0 / 0 = NaN, which no alert comparison matches, so an idle service
 * never pages; with no series at all it stays absent.
 */
export function recordedErrorRatioExpr(slo: Slo, window: string): string {
  const sel = sloSelector(slo);
  if (summedFromBaseRates(slo, window)) {
    // The oldest recorded rate in range covers the base window before it, so the range is the
    // window less one base window: at a 5 m interval the rates tile the window exactly.
    const range = formatDuration(parseDuration(window) - BASE_RATE_WINDOW_SECONDS);
    const errors = `sum_over_time(${errorRateRecord(BASE_RATE_WINDOW)}${sel}[${range}])`;
    const total = `sum_over_time(${totalRateRecord(BASE_RATE_WINDOW)}${sel}[${range}])`;
    return `${errors}\n/\n${total}`;
  }
  if (recordsBaseRates(slo.sli) && window === BASE_RATE_WINDOW)
    return `${errorRateRecord(BASE_RATE_WINDOW)}${sel}\n/\n${totalRateRecord(BASE_RATE_WINDOW)}${sel}`;
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

/** The base-rate records of an SLO (total first: a latency SLI's error rate reads it); none for a raw SLI. */
export function baseRateRules(slo: Slo): RecordingRule[] {
  if (!recordsBaseRates(slo.sli)) return [];
  const labels = sloSeriesLabels(slo);
  return [
    { record: totalRateRecord(BASE_RATE_WINDOW), expr: totalEventsQuery(slo.sli, BASE_RATE_WINDOW)!, labels },
    { record: errorRateRecord(BASE_RATE_WINDOW), expr: errorRateExpr(slo), labels },
  ];
}

/**
 * The recording rules of an SLO, in evaluation order: the base rates, the error ratio of each
 * recorded window (shortest first; the summed windows read the base rates recorded just before),
 * the objective and the remaining budget (reading the whole-window ratio).
 */
export function sliRecordingRules(slo: Slo): RecordingRule[] {
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
  return [...baseRateRules(slo), ...ratios, ...meta];
}
