/**
 * Multi-window, multi-burn-rate arithmetic (Google SRE Workbook, "Alerting on SLOs",
 * https://sre.google/workbook/alerting-on-slos/). One function set, used by the Prometheus
 * rules, the Cloud Monitoring burn-rate policies, the dashboards, the promtool scenarios and
 * `slo explain`, so every burn-rate number in the output comes from here.
 */
import { formatDuration } from './duration';
import type { Severity } from './schema';

/** One row of the alert-window table, as data. */
export interface AlertWindowSpec {
  /** `page` (fast burn) or `ticket` (slow burn). */
  readonly kind: 'page' | 'ticket';
  /** Short name of the row, used in labels (`1h`, `6h`, `3d`). */
  readonly id: string;
  /** Share of the error budget (0–1) spent over the long window, stated for the reference period. */
  readonly budgetShareOfReference: number;
  /** Long window in seconds. */
  readonly longWindowSeconds: number;
  /** Short window in seconds (resets the alert soon after recovery). */
  readonly shortWindowSeconds: number;
}

/** The period the Workbook's table is written for: 30 days. */
export const REFERENCE_PERIOD_SECONDS = 30 * 86400;

/**
 * The Workbook's recommended parameters for a 30-day SLO (table "Recommended parameters for
 * an SLO based on 99.9% availability"): page on 2 % of the budget in 1 h (5 m short window) or
 * 5 % in 6 h (30 m); ticket on 10 % in 3 d (6 h).
 */
export const WORKBOOK_WINDOWS: readonly AlertWindowSpec[] = Object.freeze([
  { kind: 'page', id: '1h', budgetShareOfReference: 0.02, longWindowSeconds: 3600, shortWindowSeconds: 300 },
  { kind: 'page', id: '6h', budgetShareOfReference: 0.05, longWindowSeconds: 21600, shortWindowSeconds: 1800 },
  { kind: 'ticket', id: '3d', budgetShareOfReference: 0.1, longWindowSeconds: 259200, shortWindowSeconds: 21600 },
]);

/**
 * The window of the recorded error and total rates (`slo:sli_error:rate5m`, `slo:sli_total:rate5m`)
 * that every long window of an SLO is summed from: the Workbook's shortest alert window, and long
 * enough to hold several scrapes at any usual scrape interval.
 */
export const BASE_RATE_WINDOW_SECONDS = 300;

/**
 * Windows at least this long (the ticket's 3 d, every SLO window) are summed from the recorded
 * base rates instead of read from raw samples, for an SLI with a separable total
 * (`recordsBaseRates` in `slos/model.ts`): they are the windows whose raw reads cost (a 30 d
 * `rate` reads every raw sample of the window on every evaluation), and the only ones for which
 * the lag of a sum (`summedWindowLagSeconds` in `slos/alert-timing.ts`) is small against the
 * window.
 */
export const SUMMED_WINDOW_MIN_SECONDS = 86400;

/** True when a window of this length is summed from the recorded base rates (for an SLI with a separable total). */
export function isSummedWindow(windowSeconds: number): boolean {
  return windowSeconds >= SUMMED_WINDOW_MIN_SECONDS;
}

/** A fully resolved burn-rate alert window for one SLO. */
export interface BurnWindow {
  readonly kind: 'page' | 'ticket';
  readonly id: string;
  readonly severity: Severity;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  /** Prometheus duration of the long window, e.g. `1h`. */
  readonly longWindow: string;
  /** Prometheus duration of the short window, e.g. `5m`. */
  readonly shortWindow: string;
  /** Share (0–1) of the SLO window's error budget this alert spends over its long window. */
  readonly budgetShare: number;
  /** Burn-rate factor: how many times faster than "exactly on budget" the errors arrive. */
  readonly factor: number;
  /** Error-ratio threshold both windows must exceed: factor × (1 − objective). */
  readonly errorRatioThreshold: number;
}

/**
 * Scales a table row to an SLO period. The Workbook states budget shares for 30 days; for a
 * period P the share is multiplied by 30 d / P, which keeps the burn-rate factor — and so the
 * detection time and the noise — of the row the same, while the share of the (smaller or larger)
 * budget it represents changes. For 30 d the shares are the Workbook's own.
 */
export function budgetShareFor(row: AlertWindowSpec, periodSeconds: number): number {
  return (row.budgetShareOfReference * REFERENCE_PERIOD_SECONDS) / periodSeconds;
}

/** Burn-rate factor of spending `budgetShare` of a `periodSeconds` budget over `longWindowSeconds`. */
export function burnRateFactor(budgetShare: number, periodSeconds: number, longWindowSeconds: number): number {
  return roundSignificant((budgetShare * periodSeconds) / longWindowSeconds);
}

/** The error budget as a ratio of events: 1 − objective (objective in percent). */
export function errorBudgetRatio(objectivePercent: number): number {
  return roundSignificant(1 - objectivePercent / 100);
}

/** Resolves the alert windows of one SLO. */
export function burnWindows(
  objectivePercent: number,
  periodSeconds: number,
  severities: { readonly page: Severity; readonly ticket: Severity },
  table: readonly AlertWindowSpec[] = WORKBOOK_WINDOWS,
): BurnWindow[] {
  const budget = errorBudgetRatio(objectivePercent);
  return table.map((row) => {
    const budgetShare = budgetShareFor(row, periodSeconds);
    const factor = burnRateFactor(budgetShare, periodSeconds, row.longWindowSeconds);
    return {
      kind: row.kind,
      id: row.id,
      severity: severities[row.kind],
      longWindowSeconds: row.longWindowSeconds,
      shortWindowSeconds: row.shortWindowSeconds,
      longWindow: formatDuration(row.longWindowSeconds),
      shortWindow: formatDuration(row.shortWindowSeconds),
      budgetShare: roundSignificant(budgetShare),
      factor,
      errorRatioThreshold: roundSignificant(factor * budget),
    };
  });
}

/**
 * Seconds from the start of a full outage (every event bad, after a clean history) until both
 * windows of `w` exceed the threshold: threshold × window for each, the longer of the two.
 * Infinity when the threshold is 1 or more (the alert can never fire).
 */
export function fullOutageDetectionSeconds(
  w: Pick<BurnWindow, 'errorRatioThreshold' | 'longWindowSeconds' | 'shortWindowSeconds'>,
): number {
  return detectionSeconds(w, 1);
}

/**
 * Seconds until `w` fires for a steady error ratio `errorRatio` starting after a clean history,
 * both windows read from raw samples (`slos/alert-timing.ts` adds the lag of a window summed from
 * recorded rates). Infinity when the error ratio does not exceed the threshold.
 */
export function detectionSeconds(
  w: Pick<BurnWindow, 'errorRatioThreshold' | 'longWindowSeconds' | 'shortWindowSeconds'>,
  errorRatio: number,
): number {
  if (errorRatio <= w.errorRatioThreshold) return Infinity;
  const scale = w.errorRatioThreshold / errorRatio;
  return Math.max(scale * w.longWindowSeconds, scale * w.shortWindowSeconds);
}

/**
 * Seconds after a long full outage ends (errors drop to zero) until the alert stops firing:
 * the short window's ratio falls to the threshold after (1 − threshold) × short window.
 */
export function resetSeconds(w: Pick<BurnWindow, 'errorRatioThreshold' | 'shortWindowSeconds'>): number {
  return (1 - Math.min(1, w.errorRatioThreshold)) * w.shortWindowSeconds;
}

/** Share of the whole budget spent by a full outage of `detectionSeconds` (the time it takes to detect it). */
export function budgetSpentAtDetection(detectionSeconds: number, objectivePercent: number, periodSeconds: number): number {
  return detectionSeconds / (errorBudgetRatio(objectivePercent) * periodSeconds);
}

/**
 * Seconds of silence (no events, or no series) after which an SLO's no-data alert fires: the
 * shortest short window of its enabled burn-rate alerts — the fastest any of them could notice a
 * full outage — or `fallbackSeconds` (the SLO window) when every burn-rate alert is disabled. The
 * alert reads the total over this window and waits as long again (its pending period), so a
 * scrape gap shorter than the window never fires it.
 */
export function noDataSeconds(windows: readonly Pick<BurnWindow, 'shortWindowSeconds'>[], fallbackSeconds: number): number {
  return windows.length > 0 ? Math.min(...windows.map((w) => w.shortWindowSeconds)) : fallbackSeconds;
}

/**
 * The fewest bad events that fire `w` for an SLI counting `eventsPerHour` events: k bad events in
 * the long window are an error ratio of k / (eventsPerHour × long window in hours) there (and more
 * in the shorter window, if they fall inside it), so the alert fires once that ratio reaches the
 * threshold. 1 means a single bad event fires it — for a page, a page on noise. Infinity when the
 * threshold is 1 or more (the alert can never fire).
 */
export function badEventsToFire(w: Pick<BurnWindow, 'errorRatioThreshold' | 'longWindowSeconds'>, eventsPerHour: number): number {
  if (w.errorRatioThreshold >= 1) return Infinity;
  const eventsInLongWindow = (eventsPerHour * w.longWindowSeconds) / 3600;
  // the smallest k with k / eventsInLongWindow >= threshold, guarded against float noise (1.44 × 100 = 143.99999…)
  return Math.max(1, Math.ceil(roundSignificant(w.errorRatioThreshold * eventsInLongWindow)));
}

/** The error ratio one bad event makes in `w`'s long window, for an SLI counting `eventsPerHour` events. */
export function oneEventErrorRatio(w: Pick<BurnWindow, 'longWindowSeconds'>, eventsPerHour: number): number {
  return roundSignificant(3600 / (eventsPerHour * w.longWindowSeconds));
}

/** Rounds away binary floating-point noise (0.1 × 3 → 0.3) so rendered numbers stay readable. */
export function roundSignificant(x: number): number {
  return Number(x.toPrecision(12));
}
