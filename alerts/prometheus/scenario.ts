/**
 * Building blocks of the generated promtool scenarios: scenario shapes, SLI input series and
 * expected alerts. Shared by the SLO scenarios (`unit-tests.ts`) and the scenarios layers add
 * (alerts/prometheus/layer.ts), which also get the series and timeline helpers re-exported here.
 */
import { errorRatioRecord } from '../../slos/conventions';
import { parseDuration } from '../../slos/duration';
import { formatLe, serviceEvaluationInterval, type Slo } from '../../slos/model';
import { boundedMemo } from '../../slos/memo';
import { equalityMatchers, expandingNotation, seriesSelector } from './private/series';
import { expandTemplate } from './private/template';
import { ratioAfter, summedWindowAverage, windowedAverage, type Timeline } from './private/timeline';
import type { AlertingRule, ExpectedAlert, InputSeries } from './rules';
import { recordedWindows, sloSeriesLabels, summedFromBaseRates } from './sli-rules';
import type { SliKindOf } from '../../slos/alert-timing';
import { BASE_RATE_WINDOW_SECONDS } from '../../slos/burn-rate';

export { expandingNotation, seriesSelector } from './private/series';
export { timeline, windowedAverage, type Timeline } from './private/timeline';

/** Events per sample interval of a synthesized histogram; error ratios are multiples of its inverse. */
export const EVENTS_PER_SAMPLE = 1_000_000;
/** Counters start here, far from 0, so rate()'s extrapolation treats error and total alike. */
const COUNTER_BASE = 1_000_000_000;

/** A case of a scenario: its input series and its assertions (alert name → expected alerts, by time). */
export interface ScenarioCase {
  /** Spacing of the case's input samples; cases of one promtool group share it. */
  readonly intervalSeconds: number;
  readonly inputs: readonly InputSeries[];
  readonly asserts: readonly { readonly atSeconds: number; readonly alertname: string; readonly alerts: readonly ExpectedAlert[] }[];
}

/** A named scenario: cases that may share a promtool test group when their series and alerts do not collide. */
export interface Scenario {
  readonly name: string;
  readonly cases: readonly ScenarioCase[];
}

/**
 * The evaluation interval (and sample spacing) of a service's test file: the interval its rule
 * groups state (`serviceEvaluationInterval`), so promtool evaluates the rules as Prometheus does.
 * Fails when a layer's rules need shorter evaluations (`maxSeconds`, 1 m for the platform's
 * symptom alerts) than the spec file states.
 */
export function evaluationInterval(slos: readonly Slo[], maxSeconds = Infinity): number {
  const interval = serviceEvaluationInterval(slos);
  const seconds = parseDuration(interval);
  if (seconds > maxSeconds)
    throw new Error(
      `evaluationInterval ${interval} of service ${slos[0]?.service ?? ''} is longer than its layers allow (${maxSeconds} s)`,
    );
  return seconds;
}

/** One recorded error-ratio window of an SLO as its scenarios read it. */
export interface RecordedWindow {
  /** The window as a Prometheus duration, e.g. `1h` (it names the recorded series). */
  readonly window: string;
  readonly seconds: number;
  /** True when the ratio is summed from the recorded base rates (`summedFromBaseRates`). */
  readonly summed: boolean;
}

/** An SLO's recorded window `window`: its length and how its rules compute it (the SLI's kind decides). */
export function recordedWindow(slo: SliKindOf, window: string): RecordedWindow {
  return { window, seconds: parseDuration(window), summed: summedFromBaseRates(slo, window) };
}

/**
 * What a recorded error ratio over `w` reads at `t` under `tl`, evaluated every `stepSeconds`:
 * the windowed average for a window read from raw samples, the sum of recorded base rates for a
 * summed one.
 */
export function recordedWindowValue(w: RecordedWindow, tl: Timeline, t: number, stepSeconds: number): number {
  return w.summed
    ? summedWindowAverage(tl, t, w.seconds - BASE_RATE_WINDOW_SECONDS, stepSeconds, BASE_RATE_WINDOW_SECONDS)
    : windowedAverage(tl, t, w.seconds);
}

/** Quantizes an error ratio to what a synthesized histogram can express, rounding `up` or down. */
export function quantize(ratio: number, up: boolean): number {
  const n = ratio * EVENTS_PER_SAMPLE;
  return (up ? Math.ceil(n - 1e-9) : Math.floor(n + 1e-9)) / EVENTS_PER_SAMPLE;
}

/**
 * How scenarios feed an SLI: a latency SLI with equality matchers gets a real histogram (count and
 * the threshold bucket), so its recording rules run on raw data; any other SLI's queries are
 * opaque to the generator, so its recorded error ratios are given directly, one series per
 * recorded window.
 */
export type SliInputForm = { readonly kind: 'histogram' } | { readonly kind: 'recorded'; readonly windows: readonly RecordedWindow[] };

/**
 * The input form of an SLO's scenarios (`SliInputForm`); a recorded form holds every recorded
 * window of the SLO and every window in `alsoWindows` (the ratios a symptom alert records for
 * itself).
 */
export function sliInputForm(slo: Slo, alsoWindows: readonly string[] = []): SliInputForm {
  if (slo.sli.kind === 'latency' && equalityMatchers(slo.sli.selector)) return { kind: 'histogram' };
  return { kind: 'recorded', windows: [...new Set([...recordedWindows(slo), ...alsoWindows])].map((w) => recordedWindow(slo, w)) };
}

/** The input series of an SLO's scenarios in the form `sliInputForm` gives (their names: the values are `sliInputValues`). */
export function sliInputSeries(slo: Slo, form: SliInputForm): string[] {
  if (form.kind === 'recorded') {
    const labels = sloSeriesLabels(slo);
    return form.windows.map((w) => seriesSelector(errorRatioRecord(w.window), labels));
  }
  if (slo.sli.kind !== 'latency') throw new Error(`internal: ${slo.id} has no histogram to feed`);
  const matchers = equalityMatchers(slo.sli.selector)!;
  return [
    seriesSelector(`${slo.sli.histogram}_count`, matchers),
    seriesSelector(`${slo.sli.histogram}_bucket`, { ...matchers, le: formatLe(slo.sli.thresholdSeconds) }),
  ];
}

/**
 * The values of the input series of `form` (in `sliInputSeries` order) that make the SLI follow
 * `tl` from 0 s to `untilSeconds`, sampled every `intervalSeconds`.
 */
export function sliInputValues(form: SliInputForm, tl: Timeline, intervalSeconds: number, untilSeconds: number): readonly string[] {
  const steps = Math.ceil(untilSeconds / intervalSeconds);
  const shape = `${timelineKey(tl)}|${intervalSeconds}|${steps}`;
  if (form.kind === 'histogram')
    return sampleMemo(`histogram|${shape}`, () => {
      let bad = 0;
      const count: number[] = [];
      const bucket: number[] = [];
      for (let k = 0; k <= steps; k++) {
        if (k > 0) bad += Math.round(ratioAfter(tl, (k - 1) * intervalSeconds) * EVENTS_PER_SAMPLE);
        count.push(COUNTER_BASE + k * EVENTS_PER_SAMPLE);
        bucket.push(COUNTER_BASE + k * EVENTS_PER_SAMPLE - bad);
      }
      return [expandingNotation(count), expandingNotation(bucket)];
    });
  // a summed window's value depends on the evaluation step too, which `shape` holds
  return form.windows.map(
    (w) =>
      sampleMemo(`ratio|${w.window}|${w.summed}|${shape}`, () => [
        expandingNotation(Array.from({ length: steps + 1 }, (_, k) => recordedWindowValue(w, tl, k * intervalSeconds, intervalSeconds))),
      ])[0]!,
  );
}

/**
 * Input series that make the SLI of `slo` follow `tl` from 0 s to `untilSeconds`, in the form
 * `sliInputForm` gives (with `alsoWindows`).
 */
export function sliInputs(
  slo: Slo,
  tl: Timeline,
  intervalSeconds: number,
  untilSeconds: number,
  alsoWindows: readonly string[] = [],
): InputSeries[] {
  const form = sliInputForm(slo, alsoWindows);
  const values = sliInputValues(form, tl, intervalSeconds, untilSeconds);
  return sliInputSeries(slo, form).map((series, i) => ({ series, values: values[i]! }));
}

/**
 * Sample series by timeline, window and length: SLOs that share an objective and windows share
 * their scenarios' series, which cost more to compute than to look up.
 */
const sampleMemo = boundedMemo<readonly string[]>(4096);

/** A timeline as a key: its segments' starts and ratios (String of a number round-trips exactly). */
function timelineKey(tl: Timeline): string {
  return tl.map((s) => `${s.startSeconds}:${s.ratio}`).join(',');
}

/** The alert promtool should report for `rule` on a series with `seriesLabels` and `value`. */
export function expectedAlert(rule: AlertingRule, seriesLabels: Readonly<Record<string, string>>, value?: number): ExpectedAlert {
  const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expandTemplate(v, seriesLabels, value)]));
  return { exp_labels: { ...seriesLabels, ...rule.labels }, exp_annotations: annotations };
}
