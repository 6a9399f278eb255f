/**
 * Every PromQL expression the SLO dashboards show, built from the SLO model. Panels
 * (dashboards/panels/*.ts) only lay these out; no query is written inside a panel. A layer may
 * add matchers to every SLI query of a golden-signals dashboard (its `queryMatchers`, e.g. the
 * platform's region filter); the layer's own queries live with the layer.
 */
import { BUDGET_REMAINING_RECORD, errorRatioRecord, LABEL } from '../slos/conventions';
import { errorRatioQuery, type LatencySli, type Slo } from '../slos/model';
import { addMatchers } from './private/matchers';

/** Template variable names shared by every dashboard. */
export const VAR = Object.freeze({
  datasource: 'datasource',
});

/** Grafana's range for `rate()`: at least four scrape intervals, so short ranges never go blank. */
export const RATE_WINDOW = '$__rate_interval';
/** The dashboard's whole time range, for "over the selected period" stats. */
export const RANGE_WINDOW = '$__range';
/** The dashboard's time range in seconds (turns a rate over the range into a count). */
export const RANGE_SECONDS = '$__range_s';

/**
 * A valid PromQL duration that no spec uses, put where a Grafana macro goes while matchers are
 * added (the grammar does not accept `$__rate_interval` in brackets), then replaced.
 */
const WINDOW_SENTINEL = '987654321s';

function withWindow(build: (window: string) => string, window: string, filter: readonly string[]): string {
  return addMatchers(build(WINDOW_SENTINEL), filter).replaceAll(WINDOW_SENTINEL, window);
}

/** The SLI's error ratio (bad / total events) over `window`, filtered by `filter`. */
export function sliErrorRatio(slo: Slo, window: string, filter: readonly string[] = []): string {
  return withWindow((w) => errorRatioQuery(slo.sli, w), window, filter);
}

/** The SLI's compliance (good / total events) over `window`: 1 − error ratio. */
export function sliCompliance(slo: Slo, window: string, filter: readonly string[] = []): string {
  return `1 - (\n${sliErrorRatio(slo, window, filter)}\n)`;
}

/**
 * Rate of all events of the SLI, per second; undefined for SLI kinds with no separable total
 * (the panel that needs it is then left out).
 */
export function sliTotalRate(slo: Slo, window: string, filter: readonly string[] = []): string | undefined {
  const sli = slo.sli;
  if (sli.kind === 'ratio') return withWindow((w) => sli.totalQuery.replaceAll('{{.window}}', w), window, filter);
  if (sli.kind === 'latency') return withWindow((w) => `sum(rate(${sli.histogram}_count{${sli.selector}}[${w}]))`, window, filter);
  return undefined;
}

/** Number of events of the SLI over the dashboard's time range. */
export function sliTotalCount(slo: Slo, filter: readonly string[] = []): string | undefined {
  const rate = sliTotalRate(slo, RANGE_WINDOW, filter);
  return rate === undefined ? undefined : `(\n${rate}\n) * ${RANGE_SECONDS}`;
}

/**
 * Rate of the SLI's events that also match `matchers` (e.g. HTTP 429 responses among all
 * requests); undefined when the SLI has no separable total.
 */
export function sliTotalRateWhere(
  slo: Slo,
  matchers: readonly string[],
  window: string,
  filter: readonly string[] = [],
): string | undefined {
  return sliTotalRate(slo, window, [...filter, ...matchers]);
}

/** The `quantile` (0–1) of a latency SLI's histogram over `window`. */
export function latencyQuantile(sli: LatencySli, quantile: number, window: string, filter: readonly string[] = []): string {
  return withWindow(
    (w) => `histogram_quantile(${quantile}, sum by (le) (rate(${sli.histogram}_bucket{${sli.selector}}[${w}])))`,
    window,
    filter,
  );
}

/** Selector of the recorded series of one SLO (labels set by the recording rules). */
export function sloSelector(slo: Slo): string {
  return `${LABEL.slo}="${slo.name}", ${LABEL.service}="${slo.service}"`;
}

/** Recorded compliance of an SLO over `window` (default: the SLO window). */
export function recordedCompliance(slo: Slo, window: string = slo.window): string {
  return `1 - ${errorRatioRecord(window)}{${sloSelector(slo)}}`;
}

/** Recorded share of the error budget left over the SLO window. */
export function budgetRemaining(slo: Slo): string {
  return `${BUDGET_REMAINING_RECORD}{${sloSelector(slo)}}`;
}

/** Burn rate over `window`: the recorded error ratio divided by the error budget (1 = exactly on budget). */
export function burnRate(slo: Slo, window: string): string {
  return `${errorRatioRecord(window)}{${sloSelector(slo)}} / ${slo.errorBudget}`;
}

/** Alerts of an SLO that are firing now, one series per alert name and severity. */
export function firingAlerts(slo: Slo): string {
  return `count by (alertname, ${LABEL.severity}) (ALERTS{alertstate="firing", ${sloSelector(slo)}})`;
}

/** Every distinct window an SLO's burn-rate alerts look at, longest first. */
export function burnRateWindows(slo: Slo): string[] {
  const seconds = new Map<string, number>();
  for (const w of slo.alerting.windows) {
    seconds.set(w.longWindow, w.longWindowSeconds);
    seconds.set(w.shortWindow, w.shortWindowSeconds);
  }
  return [...seconds.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([w]) => w);
}
