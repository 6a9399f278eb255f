/**
 * Generated promtool scenarios that run each SLO's SLI *expression* on raw series — counters,
 * histogram buckets, probe results — and assert the error ratio its recording rule records. The
 * burn-rate scenarios (`unit-tests.ts`) feed ratio SLIs' recorded series directly, so without these
 * a recording expression that misreads an outage (a good-events SLI reading a total outage as 0 %
 * errors, a bucket `le` spelled differently on Prometheus 3) would pass every test.
 *
 * The generator synthesizes series for the shapes it can read: a histogram with equality matchers;
 * a ratio of `sum(rate(…))` (or `increase`) over one selector each; a probe ratio of
 * `sum(count_over_time(…))` and `sum(sum_over_time(…))` over 0/1 samples. Label values are chosen so
 * that the "bad" series matches the error (and total) selector and the "good" one the total but not
 * the error selector. Other SLIs (raw ratios, arbitrary PromQL) get no expression scenario.
 */
import { errorRatioRecord } from '../../slos/conventions';
import { boundedMemo } from '../../slos/memo';
import { formatDuration, parseDuration } from '../../slos/duration';
import { formatLe, prometheus3Le, type LatencySli, type RatioSli, type Slo } from '../../slos/model';
import { matcherMatches, vectorSelectors, type SelectorUse } from '../../slos/promql';
import { equalityMatchers, expandingNotation, seriesSelector } from './private/series';
import type { AlertingRule, InputSeries, TestGroup } from './rules';
import { expectedAlert } from './scenario';
import { recordedWindows, sloSeriesLabels, sloSelector } from './sli-rules';

/** Events per sample interval of the synthesized counters: error ratios of these cases are exact multiples of its inverse. */
const EVENTS_PER_STEP = 1000;
/** Counters start here, far from 0, so rate()'s extrapolation treats every series alike. */
const COUNTER_BASE = 1_000_000;
/** Expression results are rounded to 1 / this (see `sliExpressionTests`). */
const ROUNDING = 1024;
/** Probes per synthesized probe round: one failing probe of four is a ratio of 0.25. */
const PROBES = 4;

/** One case: how many events of each sample interval fail, and which series exist at all. */
interface SliCase {
  /** What the case is, for the test name. */
  readonly title: string;
  /** Share (0–1) of events that fail. */
  readonly badShare: number;
  /** Events per sample interval; 0 is a service with no traffic. */
  readonly events: number;
  /** False when no good-event series exists at all (never exported). */
  readonly goodSeries: boolean;
  /** False when no bad-event series exists at all. */
  readonly badSeries: boolean;
  /** `le` spelling of the histogram buckets (latency SLIs). */
  readonly le?: 'spec' | 'prometheus3';
  /** What the no-data alert does by the end of the case, when asserted. */
  readonly noData?: 'firing' | 'inactive';
}

/** The synthesized raw series of one SLI: what a case needs, or undefined for a shape the generator cannot read. */
type Synthesizer = (c: SliCase, samples: number) => InputSeries[] | undefined;

const QUARTER: SliCase = {
  title: 'a quarter of the events fail',
  badShare: 0.25,
  events: EVENTS_PER_STEP,
  goodSeries: true,
  badSeries: true,
  noData: 'inactive',
};
const ALL_BAD: SliCase = { title: 'every event fails', badShare: 1, events: EVENTS_PER_STEP, goodSeries: true, badSeries: true };
const NO_GOOD_SERIES: SliCase = {
  title: 'every event fails and no good-event series exists',
  badShare: 1,
  events: EVENTS_PER_STEP,
  goodSeries: false,
  badSeries: true,
};
const NO_BAD_SERIES: SliCase = {
  title: 'no event fails and no bad-event series exists',
  badShare: 0,
  events: EVENTS_PER_STEP,
  goodSeries: true,
  badSeries: false,
};
const NO_TRAFFIC: SliCase = { title: 'no events at all', badShare: 0, events: 0, goodSeries: true, badSeries: true, noData: 'firing' };
/** No series at all (an exporter down, a metric renamed): every SLI, whatever its shape. */
const NO_SERIES: SliCase = { title: 'no series at all', badShare: 0, events: 0, goodSeries: false, badSeries: false, noData: 'firing' };

/** A counter that grows by `perStep` every sample interval, as expanding notation. */
function counter(perStep: number, samples: number): string {
  return counters(`${perStep}|${samples}`, () => expandingNotation(Array.from({ length: samples }, (_, k) => COUNTER_BASE + k * perStep)));
}

/** Counters by rate and length: every SLI's cases repeat the same few. */
const counters = boundedMemo<string>(1024);

/** Raw histogram series of a latency SLI: `_count`, the threshold bucket, the next declared bucket and `+Inf`. */
function histogramSynthesizer(sli: LatencySli): Synthesizer | undefined {
  const matchers = equalityMatchers(sli.selector);
  if (!matchers) return undefined;
  const bigger = sli.buckets.find((b) => b > sli.thresholdSeconds);
  return (c, samples) => {
    const spell = c.le === 'prometheus3' ? prometheus3Le : formatLe;
    const good = c.events * (1 - c.badShare);
    const bucket = (le: string, perStep: number) => ({
      series: seriesSelector(`${sli.histogram}_bucket`, { ...matchers, le }),
      values: counter(perStep, samples),
    });
    return [
      { series: seriesSelector(`${sli.histogram}_count`, matchers), values: counter(c.events, samples) },
      bucket(spell(sli.thresholdSeconds), good),
      // Buckets above the threshold hold every event: a matcher that caught one would read 0 errors.
      ...(bigger !== undefined ? [bucket(spell(bigger), c.events)] : []),
      bucket('+Inf', c.events),
    ];
  };
}

/** Whitespace-free text of a query with its one selector (and range) replaced by `S`. */
function shapeOf(query: string): { shape: string; selectors: SelectorUse[] } {
  const q = query.replaceAll('{{.window}}', '5m');
  const selectors = vectorSelectors(q);
  const noRange = q.replace(/\[[^\]]*\]/g, '');
  const shape = noRange.replace(/[a-zA-Z_:][a-zA-Z0-9_:]*\s*\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\}|\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?=\s*\))/g, 'S');
  return { shape: shape.replace(/\s+/g, ''), selectors };
}

/**
 * Label values for a series that matches every selector of `must` and none of `mustNot`: tries
 * the values the matchers name, an instance of each regex, and a few common values. Undefined when
 * none fits (or the `must` selectors name different metrics).
 */
export function solveLabels(must: readonly SelectorUse[], mustNot: readonly SelectorUse[]): Record<string, string> | undefined {
  const metric = must[0]?.metric;
  if (!metric || must.some((s) => s.metric !== metric)) return undefined;
  const names = [...new Set([...must, ...mustNot].flatMap((s) => s.matchers.map((m) => m.name)))].filter((n) => n !== '__name__');
  const candidates = names.map((n) => {
    const own = [...must, ...mustNot].flatMap((s) => s.matchers.filter((m) => m.name === n));
    const fromMatchers = own.flatMap((m) => (m.op === '=' || m.op === '!=' ? [m.value] : [regexInstance(m.value)]));
    return [...new Set([...fromMatchers, '', '200', '500', '0', '1', 'x'])];
  });
  const matches = (s: SelectorUse, labels: Record<string, string>) =>
    s.metric === metric && s.matchers.every((m) => matcherMatches(m, m.name === '__name__' ? metric : (labels[m.name] ?? '')));
  const pick: Record<string, string> = {};
  const search = (i: number): boolean => {
    if (i === names.length) return must.every((s) => matches(s, pick)) && !mustNot.some((s) => matches(s, pick));
    for (const v of candidates[i]!) {
      pick[names[i]!] = v;
      if (search(i + 1)) return true;
    }
    return false;
  };
  if (!search(0)) return undefined;
  return { __name__: metric, ...Object.fromEntries(Object.entries(pick).filter(([, v]) => v !== '')) };
}

/** A string that a simple regex probably matches (checked by the caller): first alternative, `.` and classes as one character. */
function regexInstance(re: string): string {
  const first = re.split('|')[0]!;
  return first
    .replace(/\\d/g, '0')
    .replace(/\[([^\]])[^\]]*\]/g, '$1')
    .replace(/\.[*+?]/g, '')
    .replace(/\./g, '0')
    .replace(/[()^$*+?]/g, '')
    .replace(/\\(.)/g, '$1');
}

function selectorOf(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  return seriesSelector(name!, rest);
}

/**
 * Raw series of a ratio SLI over counters: `sum(rate(S))` for each query, one selector each. With
 * `sum by (…)`, the grouping labels the series carry are returned too: the recorded ratio keeps them.
 */
function counterSynthesizer(sli: RatioSli): { synth: Synthesizer; groupLabels: Record<string, string> } | undefined {
  const rated = /^sum(?:by\([^)]*\))?\((?:rate|increase)\(S\)\)(?:by\([^)]*\))?$/;
  const total = shapeOf(sli.totalQuery);
  const part = shapeOf(sli.goodQuery ?? sli.errorQuery);
  if (!rated.test(total.shape) || !rated.test(part.shape) || total.selectors.length !== 1 || part.selectors.length !== 1) return undefined;
  const bad = sli.goodQuery ? solveLabels(total.selectors, part.selectors) : solveLabels([...total.selectors, ...part.selectors], []);
  const good = sli.goodQuery ? solveLabels([...total.selectors, ...part.selectors], []) : solveLabels(total.selectors, part.selectors);
  if (!bad || !good) return undefined;
  const by = (/\bby\s*\(([^)]*)\)/.exec(sli.totalQuery)?.[1] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n in bad);
  if (by.some((n) => bad[n] !== good[n])) return undefined;
  const synth: Synthesizer = (c, samples) => [
    ...(c.badSeries ? [{ series: selectorOf(bad), values: counter(c.events * c.badShare, samples) }] : []),
    ...(c.goodSeries ? [{ series: selectorOf(good), values: counter(c.events * (1 - c.badShare), samples) }] : []),
  ];
  return { synth, groupLabels: Object.fromEntries(by.map((n) => [n, bad[n]!])) };
}

/** Raw series of a probe ratio SLI: `sum(count_over_time(S))` of 0/1 results, bad = count − sum (or good = sum). */
function probeSynthesizer(sli: RatioSli): Synthesizer | undefined {
  const total = shapeOf(sli.totalQuery);
  const part = shapeOf(sli.goodQuery ?? sli.errorQuery);
  const partShape = sli.goodQuery ? 'sum(sum_over_time(S))' : 'sum(count_over_time(S))-sum(sum_over_time(S))';
  if (total.shape !== 'sum(count_over_time(S))' || part.shape !== partShape) return undefined;
  const all = [...total.selectors, ...part.selectors];
  const labels = solveLabels(all, []);
  if (!labels || all.some((s) => JSON.stringify(s.matchers) !== JSON.stringify(all[0]!.matchers))) return undefined;
  const probeLabel = ['instance', 'probe', 'slo_probe'].find((n) => !(n in labels))!;
  return (c, samples) => {
    if (c.events === 0 || c.badShare * PROBES !== Math.round(c.badShare * PROBES)) return undefined;
    const failing = c.badShare * PROBES;
    return Array.from({ length: PROBES }, (_, i) => ({
      series: selectorOf({ ...labels, [probeLabel]: `probe-${i + 1}` }),
      values: expandingNotation(Array.from({ length: samples }, () => (i < failing ? 0 : 1))),
    }));
  };
}

/** The synthesizer of an SLO's SLI and the cases that apply to its shape; undefined when its shape is not readable. */
function casesOf(slo: Slo): { synth: Synthesizer; cases: SliCase[]; kind: string; groupLabels?: Record<string, string> } | undefined {
  const sli = slo.sli;
  if (sli.kind === 'latency') {
    const synth = histogramSynthesizer(sli);
    const respelled = prometheus3Le(sli.thresholdSeconds) !== formatLe(sli.thresholdSeconds);
    const cases = [
      QUARTER,
      ...(respelled
        ? [{ ...QUARTER, title: `${QUARTER.title}, buckets spelled as Prometheus 3 stores them`, le: 'prometheus3' as const }]
        : []),
      ALL_BAD,
      NO_TRAFFIC,
    ];
    return synth && { synth, cases, kind: 'histogram' };
  }
  if (sli.kind !== 'ratio') return undefined;
  const counters = counterSynthesizer(sli);
  if (counters) return { ...counters, cases: [QUARTER, ALL_BAD, NO_GOOD_SERIES, NO_BAD_SERIES, NO_TRAFFIC], kind: 'counter ratio' };
  const probes = probeSynthesizer(sli);
  if (probes) return { synth: probes, cases: [QUARTER, ALL_BAD, { ...NO_BAD_SERIES, title: 'every probe succeeds' }], kind: 'probe ratio' };
  return undefined;
}

/**
 * The expression scenarios of one SLO, one promtool group per case: raw series from 0 s, and the
 * error ratio recorded over the SLO's shortest recorded window once that window holds only the
 * case's samples. A case with traffic asserts the exact ratio; the no-traffic case asserts that
 * nothing reads as an error (the ratio is 0 / 0 there, which no alert comparison matches); with
 * no series at all the ratio has no data. `noData` is the SLO's no-data alert (policy applied):
 * it must fire with no traffic and with no series, and stay quiet with traffic. `step` is the test
 * file's evaluation interval, so the asserted sample is one the rule recorded.
 */
export function sliExpressionTests(slo: Slo, step: number, noData?: AlertingRule): TestGroup[] {
  const found = casesOf(slo);
  if (!found && !noData) return [];
  const window = recordedWindows(slo)[0]!;
  const at = Math.ceil(parseDuration(window) / step) * step;
  // the no-data alert is pending for its window: firing one window in, plus one step (in the first
  // step the rate has one sample and reads absent, without the labels a `sum by` total has later)
  const silentAt = noData ? Math.ceil(parseDuration(noData.for!) / step) * step + step : 0;
  const end = Math.max(at, silentAt);
  const samples = end / step + 1;
  const record = `${errorRatioRecord(window)}${sloSelector(slo)}`;
  // rate()'s extrapolation leaves float noise in the last digit (0.2500000000000001); every ratio
  // asserted here is a multiple of 1/4, so rounding to 1/1024 (a power of two: exact) keeps the
  // assertion exact. round() drops the metric name, so the expected series has none.
  const rounded = `round(${record}, 1 / ${ROUNDING})`;
  const expected = seriesSelector('', { ...found?.groupLabels, ...sloSeriesLabels(slo) });
  const cases: SliCase[] = [...(found?.cases ?? []), ...(noData ? [NO_SERIES] : [])];
  return cases.flatMap((c): TestGroup[] => {
    const inputs = c === NO_SERIES ? [] : found!.synth(c, samples);
    if (!inputs) return [];
    const reads = c === NO_SERIES ? 'has no data' : c.events === 0 ? 'reads no error' : `reads ${c.badShare}`;
    const alerts =
      noData && c.noData
        ? [
            {
              eval_time: formatDuration(end),
              alertname: noData.alert,
              exp_alerts:
                c.noData === 'firing'
                  ? [c === NO_SERIES ? expectedAlert(noData, {}, 1) : expectedAlert(noData, found?.groupLabels ?? {}, 0)]
                  : [],
            },
          ]
        : [];
    const kind = found ? `${found.kind} sli` : 'sli';
    return [
      {
        name: `the ${kind} of ${slo.id} on raw series: ${c.title}: the ${window} ratio ${reads}${
          alerts.length > 0 ? `, and the no-data alert ${c.noData === 'firing' ? 'fires' : 'does not fire'}` : ''
        }`,
        interval: formatDuration(step),
        input_series: inputs,
        alert_rule_test: alerts,
        promql_expr_test: [
          c === NO_SERIES
            ? { expr: record, eval_time: formatDuration(at), exp_samples: [] }
            : c.events === 0
              ? { expr: `${record} > 0`, eval_time: formatDuration(at), exp_samples: [] }
              : { expr: rounded, eval_time: formatDuration(at), exp_samples: [{ labels: expected, value: c.badShare }] },
        ],
      },
    ];
  });
}

/** True when the generator can synthesize raw series for this SLO's SLI (tests check every shipped SLI is covered). */
export function hasExpressionScenarios(slo: Slo): boolean {
  return casesOf(slo) !== undefined;
}
