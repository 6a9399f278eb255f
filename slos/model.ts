/**
 * The SLO model: what every renderer consumes. Every default is resolved here, so renderers never
 * see spec types or `undefined` defaults. Instances are frozen.
 */
import type { BurnWindow } from './burn-rate';
import { parseDuration } from './duration';
import { DEFAULT_EVALUATION_INTERVAL, type Severity, type SloWindow } from './schema';

/** Where a value came from, for messages that name both places. */
export interface SourceRef {
  /** Path of the file, relative to the working directory when possible. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
}

/** Ratio SLI in PromQL; both queries carry the `{{.window}}` placeholder. */
export interface RatioSli {
  readonly kind: 'ratio';
  /** Rate of bad events (derived from the good and total queries when the spec gives good events, see `errorQueryFromGood`). */
  readonly errorQuery: string;
  /** Rate of all events. */
  readonly totalQuery: string;
  /** Rate of good events, when the spec gives the SLI that way; `errorQuery` is then derived from it. */
  readonly goodQuery?: string;
}

/** Latency SLI on a Prometheus histogram. */
export interface LatencySli {
  readonly kind: 'latency';
  /** Histogram base name (without `_bucket`). */
  readonly histogram: string;
  /** Label matchers without braces; may be empty. */
  readonly selector: string;
  /** The latency threshold in seconds (a declared bucket). */
  readonly thresholdSeconds: number;
  /** Declared bucket boundaries in seconds, ascending. */
  readonly buckets: readonly number[];
}

/**
 * Raw error-ratio SLI: one PromQL expression that already is the error ratio, with the
 * `{{.window}}` placeholder (Sloth's `sli.raw.error_ratio_query`).
 */
export interface RawSli {
  readonly kind: 'raw';
  /** PromQL error ratio (0–1) over `{{.window}}`. */
  readonly errorRatioQuery: string;
}

/** Prometheus SLI. */
export type PromSli = RatioSli | LatencySli | RawSli;

/** Cloud Monitoring request-based SLI. */
export type CloudMonitoringSli =
  | {
      readonly kind: 'goodTotalRatio';
      readonly goodFilter?: string;
      readonly badFilter?: string;
      readonly totalFilter: string;
    }
  | {
      readonly kind: 'distributionCut';
      readonly distributionFilter: string;
      /** Upper bound of a good request, in `unit`. */
      readonly rangeMax: number;
      readonly unit: 'ms' | 's';
    };

/** Alerts of one SLO, with defaults resolved. */
export interface SloAlerting {
  /** CamelCase alert name shared by the burn-rate alerts of this SLO. */
  readonly name: string;
  /** Runbook URL; always set when any alert pages. */
  readonly runbookUrl?: string;
  /** Routing labels on every alert of this SLO. */
  readonly labels: Readonly<Record<string, string>>;
  /** Extra labels per alert kind. */
  readonly kindLabels: { readonly page: Readonly<Record<string, string>>; readonly ticket: Readonly<Record<string, string>> };
  /** Severities of the page and ticket alerts. */
  readonly severities: { readonly page: Severity; readonly ticket: Severity };
  /** Enabled burn-rate windows, fast first. */
  readonly windows: readonly BurnWindow[];
  /**
   * The no-data alert: its severity, extra labels and the window its total is read over (also its
   * pending period); absent when disabled or when the SLI has no separable total (a raw ratio).
   */
  readonly noData?: { readonly severity: Severity; readonly labels: Readonly<Record<string, string>>; readonly window: string };
  /** Budget-consumption alerts; thresholds in percent, ascending; empty when disabled. */
  readonly budgetConsumed: { readonly thresholdsPercent: readonly number[]; readonly severity: Severity };
}

/** One SLO, fully resolved. */
export interface Slo {
  /** `service/name`, unique in a catalog. */
  readonly id: string;
  readonly service: string;
  readonly name: string;
  readonly description: string;
  /** Owning team. */
  readonly team: string;
  /** Objective in percent, e.g. 99.9. */
  readonly objectivePercent: number;
  /** Objective as a ratio, e.g. 0.999. */
  readonly objective: number;
  /** Error budget as a ratio of events: 1 − objective. */
  readonly errorBudget: number;
  /** SLO window as written, e.g. `30d`. */
  readonly window: SloWindow;
  readonly windowSeconds: number;
  /** How often Prometheus evaluates the SLO's rule group, as a Prometheus duration (the spec file's `evaluationInterval`). */
  readonly evaluationInterval: string;
  /** Service labels, `team`, and the SLO's own labels, merged in that order. */
  readonly labels: Readonly<Record<string, string>>;
  readonly sli: PromSli;
  /** Events the SLI counts in a typical hour, when the spec declares it (`sli.expectedEventsPerHour`). */
  readonly expectedEventsPerHour?: number;
  readonly cloudMonitoring?: CloudMonitoringSli;
  readonly alerting: SloAlerting;
  /** Where the SLO is declared (its `name` field) and where its objective, window and threshold are. */
  readonly source: {
    readonly slo: SourceRef;
    readonly objective: SourceRef;
    readonly window: SourceRef;
    readonly threshold?: SourceRef;
  };
}

/** A latency SLO with its histogram SLI. */
export type LatencySlo = Slo & { readonly sli: LatencySli };

/** True for an SLO whose SLI is a latency histogram. */
export function isLatencySlo(slo: Slo): slo is LatencySlo {
  return slo.sli.kind === 'latency';
}

/** The validated set of SLOs: the single input of every renderer. */
export interface SloCatalog {
  /** All SLOs, sorted by service then name. */
  readonly slos: readonly Slo[];
  /** Service names, sorted. */
  readonly services: readonly string[];
}

/**
 * Seconds between two evaluations of an SLO's rule group: the one setting every generated group's
 * `interval`, the promtool scenarios' `evaluation_interval`, `slo explain` and the docs read.
 */
export function evaluationIntervalSeconds(slo: Pick<Slo, 'evaluationInterval'>): number {
  return parseDuration(slo.evaluationInterval);
}

/** The evaluation interval of a service's rule file (every SLO of a service shares its spec file's setting). */
export function serviceEvaluationInterval(slos: readonly Slo[]): string {
  const intervals = [...new Set(slos.map((s) => s.evaluationInterval))];
  if (intervals.length > 1) throw new Error(`internal: one service has several evaluation intervals: ${intervals.join(', ')}`);
  return intervals[0] ?? DEFAULT_EVALUATION_INTERVAL;
}

/** SLOs of one service, in catalog order. */
export function slosOfService(catalog: SloCatalog, service: string): readonly Slo[] {
  let byService = SLOS_BY_SERVICE.get(catalog);
  if (!byService) {
    // One pass over the catalog, once: renderers ask per service, and a filter per call made
    // generation quadratic in the number of services (10,000 SLOs: 30 s of 270).
    byService = new Map();
    for (const s of catalog.slos) {
      const list = byService.get(s.service);
      if (list) list.push(s);
      else byService.set(s.service, [s]);
    }
    SLOS_BY_SERVICE.set(catalog, byService);
  }
  return byService.get(service) ?? [];
}

/** The SLOs of each service of a catalog, in catalog order; catalogs are never changed once built. */
const SLOS_BY_SERVICE = new WeakMap<SloCatalog, Map<string, Slo[]>>();

/** Finds an SLO by `service/name` or by bare name when that is unique. */
export function findSlo(catalog: SloCatalog, ref: string): Slo | undefined {
  const exact = catalog.slos.find((s) => s.id === ref);
  if (exact) return exact;
  const byName = catalog.slos.filter((s) => s.name === ref);
  return byName.length === 1 ? byName[0] : undefined;
}

/** The PromQL error ratio of an SLI over `window` (a Prometheus duration). */
export function errorRatioQuery(sli: PromSli, window: string): string {
  if (sli.kind === 'ratio') {
    const errors = sli.errorQuery.replaceAll('{{.window}}', window);
    const total = sli.totalQuery.replaceAll('{{.window}}', window);
    return `(${errors})\n/\n(${total})`;
  }
  if (sli.kind === 'raw') return `(${sli.errorRatioQuery.trim().replaceAll('{{.window}}', window)})`;
  const { count, good } = latencyRates(sli, window);
  return `1 - (\n${good}\n/\n${count}\n)`;
}

/**
 * The rate of all events (`_count`) and of good events (the threshold's `_bucket`) of a latency
 * SLI over `window`. The error ratio is `1 − good / count`: `_count` is read once (`(count − good)
 * / count` reads it twice, a third more samples).
 */
export function latencyRates(sli: LatencySli, window: string): { readonly count: string; readonly good: string } {
  const sel = sli.selector.trim();
  const withLe = [sel, leMatcher(sli.thresholdSeconds)].filter(Boolean).join(', ');
  return {
    count: `sum(rate(${sli.histogram}_count{${sel}}[${window}]))`,
    good: `sum(rate(${sli.histogram}_bucket{${withLe}}[${window}]))`,
  };
}

/**
 * The PromQL rate of all events of an SLI over `window`; undefined for a raw ratio, which has no
 * separable total.
 */
export function totalEventsQuery(sli: PromSli, window: string): string | undefined {
  if (sli.kind === 'ratio') return `(${sli.totalQuery.replaceAll('{{.window}}', window)})`;
  if (sli.kind === 'latency') return latencyRates(sli, window).count;
  return undefined;
}

/**
 * True when the rules of an SLI record its error and total rates over the base window and sum its
 * long windows (`isSummedWindow`) from them: every SLI with a separable total (ratio and latency).
 * A raw error-ratio SLI has no total to weigh by, so each of its windows is its own query.
 */
export function recordsBaseRates(sli: Pick<PromSli, 'kind'>): boolean {
  return sli.kind !== 'raw';
}

/**
 * The error query of a ratio SLI given as good events: total − good, where a missing good series
 * counts as zero good events. A plain `total - good` is empty when no good series exists — exactly
 * during a total outage, when every request fails and no 2xx series was ever exported — and the
 * SLI would read 0 % errors. `good or (total * 0)` fills in a zero for every label set of the
 * total that has no good series, with the total's own labels, so the subtraction matches one to
 * one whatever the aggregation labels of both queries are (`sum(...)` or `sum by (region)(...)`).
 * With no total series at all the result stays absent, as before.
 */
export function errorQueryFromGood(goodQuery: string, totalQuery: string): string {
  return `(${totalQuery}) - ((${goodQuery}) or ((${totalQuery}) * 0))`;
}

/**
 * The `le` matcher of a latency SLI's threshold bucket, matching every spelling the bucket may
 * have in a TSDB: the spec's own number (`2`, `0.05`), Go's shortest `%g` that the Go client and
 * Prometheus 2 write (`2`, `1e-05`), and the float form Prometheus 3 normalizes every classic
 * histogram's `le` to at ingestion (`2.0`; an integer gets `.0`, other values keep `%g`), see
 * https://prometheus.io/docs/prometheus/latest/migration/ ("le and quantile label values"). One
 * value written one way gives an equality matcher; otherwise an anchored regex of the spellings,
 * each escaped, so `le=~"2|2\\.0"` matches the same bucket on Prometheus 2 and 3 and never
 * another one (`2.0` does not match `20`: PromQL regexes are fully anchored).
 */
export function leMatcher(seconds: number): string {
  const spellings = leSpellings(seconds);
  if (spellings.length === 1) return `le="${spellings[0]!}"`;
  // The regex is written inside a PromQL double-quoted string, so each backslash is doubled.
  const re = spellings.map((s) => s.replace(/[.+*?()[\]{}|^$\\]/g, (c) => `\\\\${c}`)).join('|');
  return `le=~"${re}"`;
}

/** Every spelling of a bucket boundary in `le`, the spec's own first: spec number, Go `%g`, Prometheus 3 float form. */
export function leSpellings(seconds: number): string[] {
  return [...new Set([formatLe(seconds), goFloat(seconds), prometheus3Le(seconds)])];
}

/** Formats a bucket boundary as the spec writes it (0.05 → "0.05", 2 → "2"). */
export function formatLe(seconds: number): string {
  return String(seconds);
}

/** The `le` Prometheus 3 stores for a boundary: Go's `%g`, plus `.0` when that has neither `.` nor an exponent. */
export function prometheus3Le(seconds: number): string {
  const g = goFloat(seconds);
  return /[.e]/.test(g) ? g : `${g}.0`;
}

/**
 * Go's `strconv.FormatFloat(x, 'g', -1, 64)`: the shortest digits that read back as `x`, in
 * exponent form (sign always, at least two exponent digits) when the decimal exponent is below −4
 * or at least 6 (Go uses precision 6 for that choice when formatting the shortest digits).
 */
function goFloat(x: number): string {
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}
