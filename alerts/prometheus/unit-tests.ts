/**
 * Generated promtool unit tests (`<service>.test.yaml`): behavioural scenarios built from each
 * SLO's own objective and alert windows, so the burn-rate arithmetic of `slos/burn-rate.ts` is
 * checked against what Prometheus really evaluates.
 *
 * Per service: a full outage that pages (or tickets) no later than the computed detection time
 * and resolves within the computed reset time; a burn just above and just below each window's
 * factor; a steady burn at 1× that never pages; the budget-consumption thresholds. Layers add
 * their own scenarios (the platform layer: one per symptom alert and chaos case).
 *
 * Cost: promtool evaluates every rule of the file at every evaluation step, so scenarios are kept
 * as short as their windows allow (see `evaluationInterval` and the history lengths below). The
 * generator computes each scenario's numerics once per SLO shape (`ScenarioShape`: a catalog has
 * few objectives and alert policies) and gives every SLO of the shape its own series and labels.
 */
import { LABEL } from '../../slos/conventions';
import { burnAlertTiming, TICKET_KEEP_FIRING_FOR_SECONDS } from '../../slos/alert-timing';
import { fullOutageDetectionSeconds, WORKBOOK_WINDOWS, type BurnWindow } from '../../slos/burn-rate';
import { formatDuration, parseDuration } from '../../slos/duration';
import { boundedMemo } from '../../slos/memo';
import { errorRatioQuery, totalEventsQuery, type PromSli, type Slo } from '../../slos/model';
import { matcherMatches, vectorSelectors, type SelectorUse } from '../../slos/promql';
import { equalityMatchers } from './private/series';
import type { RuleInputs } from './layer';
import { withAlertPolicy, type AlertLinks } from './policy';
import { nearRoundingTie, printfDecimals, valueKey } from './private/template';
import { timeline, type Timeline } from './private/timeline';
import type { AlertingRule, AlertRuleTest, ExpectedAlert, TestFile, TestGroup } from './rules';
import {
  EVENTS_PER_SAMPLE,
  evaluationInterval,
  expectedAlert,
  quantize,
  recordedWindow,
  recordedWindowValue,
  sliInputForm,
  sliInputSeries,
  sliInputValues,
  type RecordedWindow,
  type Scenario,
  type ScenarioCase,
  type SliInputForm,
} from './scenario';
import { budgetConsumedAlerts, burnRateAlerts, noDataAlerts } from './slo-alerts';
import { sliExpressionTests } from './sli-scenarios';
import { sloSeriesLabels } from './sli-rules';

/** How far "just above" and "just below" a window's threshold the burn scenarios run (2 %). */
export const THRESHOLD_MARGIN = 0.02;

/** Values within this of a threshold are not asserted (float rounding could go either way). */
const TIE = 1e-9;

/** Steady-burn checks look this many steps in (the ratio is the same from the second sample on). */
const STEADY_STEPS = 10;

/** Rounds `seconds` up to a multiple of `step`. */
function ceilTo(seconds: number, step: number): number {
  return Math.ceil(seconds / step) * step;
}

/** A burn-rate window as the scenarios read it: its numbers, and how its two ratios are recorded. */
export interface ShapeWindow extends Pick<
  BurnWindow,
  'kind' | 'factor' | 'longWindow' | 'shortWindow' | 'longWindowSeconds' | 'shortWindowSeconds' | 'errorRatioThreshold'
> {
  readonly long: RecordedWindow;
  readonly short: RecordedWindow;
}

/** A burn-rate alert (page or ticket) as the scenarios read it. */
export interface ShapeAlert {
  readonly kind: 'page' | 'ticket';
  /** Its windows that a full outage can fire (elements of the shape's `windows`). */
  readonly windows: readonly ShapeWindow[];
  /** The rule's `keep_firing_for` in seconds (0 when it has none). */
  readonly keepFiringForSeconds: number;
  /** The decimals of every `printf "%.Nf" $value` in its annotations: values near a rounding tie of one are not asserted. */
  readonly printfDecimals: readonly number[];
}

/**
 * Everything the numerics of an SLO's scenarios read (input values, evaluation times, which
 * alerts fire and at what value), and nothing else: no name, label or query. SLOs of one shape
 * get the same numerics, computed once (`sloScenarioCases`); `key` is every other field as
 * JSON, so a field the computation reads is always part of the key.
 */
export interface ScenarioShape {
  /** The memo key: JSON of every other field. */
  readonly key: string;
  /** The service's evaluation interval, also the sample spacing. */
  readonly stepSeconds: number;
  /** The SLI's kind: whether long windows are summed from recorded base rates (`slos/alert-timing.ts`). */
  readonly sli: { readonly kind: PromSli['kind'] };
  readonly errorBudget: number;
  /** Every enabled burn-rate window, in the SLO's order. */
  readonly windows: readonly ShapeWindow[];
  /** The burn-rate alerts, page first, each when it has windows (the order of `burnRateAlerts`). */
  readonly alerts: readonly ShapeAlert[];
  /** Budget-consumption thresholds in percent, ascending; empty when there is no budget alert. */
  readonly budgetThresholdsPercent: readonly number[];
  /** How the scenarios feed the SLI. */
  readonly inputs: SliInputForm;
}

/** The burn-rate alerts of an SLO, policy applied, in `burnRateAlerts` order. */
function kindAlerts(slo: Slo, links: AlertLinks): readonly AlertingRule[] {
  let bySlo = KIND_ALERTS.get(slo);
  if (!bySlo) KIND_ALERTS.set(slo, (bySlo = new WeakMap()));
  let alerts = bySlo.get(links);
  if (!alerts) bySlo.set(links, (alerts = burnRateAlerts(slo).map((r) => withAlertPolicy(r, links))));
  return alerts;
}

/** kindAlerts of each SLO and links, computed once: the shape and the expected alerts read them. */
const KIND_ALERTS = new WeakMap<Slo, WeakMap<AlertLinks, readonly AlertingRule[]>>();

/** The budget-consumption alert of an SLO, policy applied; undefined when it has none. */
function budgetAlert(slo: Slo, links: AlertLinks): AlertingRule | undefined {
  let bySlo = BUDGET_ALERTS.get(slo);
  if (!bySlo) BUDGET_ALERTS.set(slo, (bySlo = new WeakMap()));
  if (!bySlo.has(links)) bySlo.set(links, budgetConsumedAlerts(slo).map((r) => withAlertPolicy(r, links))[0]);
  return bySlo.get(links);
}

/** budgetAlert of each SLO and links, computed once: the shape and the expected alerts read it. */
const BUDGET_ALERTS = new WeakMap<Slo, WeakMap<AlertLinks, AlertingRule | undefined>>();

/** The scenario shape of an SLO whose service is evaluated every `stepSeconds`, with `links` applied to its alerts. */
export function scenarioShape(slo: Slo, links: AlertLinks, stepSeconds: number): ScenarioShape {
  const windows: ShapeWindow[] = slo.alerting.windows.map((w) => ({
    kind: w.kind,
    factor: w.factor,
    longWindow: w.longWindow,
    shortWindow: w.shortWindow,
    longWindowSeconds: w.longWindowSeconds,
    shortWindowSeconds: w.shortWindowSeconds,
    errorRatioThreshold: w.errorRatioThreshold,
    long: recordedWindow(slo, w.longWindow),
    short: recordedWindow(slo, w.shortWindow),
  }));
  const alerts = kindAlerts(slo, links).map((rule): ShapeAlert => {
    const kind = rule.labels[LABEL.alertKind] as 'page' | 'ticket';
    return {
      kind,
      windows: windows.filter((w) => w.kind === kind && Number.isFinite(fullOutageDetectionSeconds(w))),
      keepFiringForSeconds: rule.keepFiringFor === undefined ? 0 : parseDuration(rule.keepFiringFor),
      printfDecimals: [...new Set(Object.values(rule.annotations).flatMap((a) => printfDecimals(a)))].sort((a, b) => a - b),
    };
  });
  const fields = {
    stepSeconds,
    sli: { kind: slo.sli.kind },
    errorBudget: slo.errorBudget,
    windows,
    alerts,
    budgetThresholdsPercent: budgetAlert(slo, links) ? slo.alerting.budgetConsumed.thresholdsPercent : [],
    inputs: sliInputForm(slo),
  };
  return { key: JSON.stringify(fields), ...fields };
}

type BurnState = { readonly state: 'firing'; readonly value: number } | { readonly state: 'inactive' | 'tie' };

/**
 * Whether the condition of a burn-rate alert of `shape` (the OR of its `windows`) holds at the
 * evaluation `t` under `tl`, with its value, or is too close to call.
 */
export function burnCondition(shape: ScenarioShape, windows: readonly ShapeWindow[], tl: Timeline, t: number): BurnState {
  let byShape = CONDITIONS.get(tl);
  if (!byShape) CONDITIONS.set(tl, (byShape = new WeakMap()));
  let byWindows = byShape.get(shape);
  if (!byWindows) byShape.set(shape, (byWindows = new WeakMap()));
  let byTime = byWindows.get(windows);
  if (!byTime) byWindows.set(windows, (byTime = new Map()));
  let state = byTime.get(t);
  if (!state) byTime.set(t, (state = evaluateBurnCondition(shape, windows, tl, t)));
  return state;
}

/**
 * burnCondition by timeline, shape, windows and time: a case asks for the same evaluation again
 * and again (each assertion of an alert with `keep_firing_for` looks back at every evaluation
 * within it). Keyed by the objects themselves, so a case's entries go with its timeline.
 */
const CONDITIONS = new WeakMap<Timeline, WeakMap<ScenarioShape, WeakMap<readonly ShapeWindow[], Map<number, BurnState>>>>();

function evaluateBurnCondition(shape: ScenarioShape, windows: readonly ShapeWindow[], tl: Timeline, t: number): BurnState {
  for (const w of windows) {
    const long = recordedWindowValue(w.long, tl, t, shape.stepSeconds);
    const short = recordedWindowValue(w.short, tl, t, shape.stepSeconds);
    if (Math.abs(long - w.errorRatioThreshold) < TIE || Math.abs(short - w.errorRatioThreshold) < TIE) return { state: 'tie' };
    if (long > w.errorRatioThreshold && short > w.errorRatioThreshold) return { state: 'firing', value: long / shape.errorBudget };
  }
  return { state: 'inactive' };
}

/**
 * What one burn-rate alert does at the evaluation `t` under `tl`: firing while its condition
 * holds, and — with `keep_firing_for` K — until K after the first evaluation that no longer
 * matches (Prometheus keeps the last value and annotations meanwhile); inactive otherwise; a tie
 * when any evaluation that decides it is too close to call.
 */
export function burnState(
  shape: ScenarioShape,
  a: Pick<ShapeAlert, 'windows' | 'keepFiringForSeconds'>,
  tl: Timeline,
  t: number,
): BurnState {
  const step = shape.stepSeconds;
  const now = burnCondition(shape, a.windows, tl, t);
  if (now.state !== 'inactive' || a.keepFiringForSeconds === 0) return now;
  // the latest evaluation before t whose condition held, within K: it keeps firing while the first clear one is less than K ago
  for (let s = t - step; s >= 0 && t - (s + step) < a.keepFiringForSeconds; s -= step) {
    const then = burnCondition(shape, a.windows, tl, s);
    if (then.state !== 'inactive') return then;
  }
  return now;
}

/** True when every `printf` of the alert's annotations is safe to predict for `value`. */
function predictable(a: ShapeAlert, value: number): boolean {
  return a.printfDecimals.every((d) => !nearRoundingTie(value, d));
}

/** A burn-rate alert firing at an assertion: its index in the shape's `alerts`, and its value. */
interface BurnFiring {
  readonly alert: number;
  readonly value: number;
}

/** An assertion of a shape's case: the burn-rate alerts (page and ticket share a name) or the budget alert, and what fires. */
type ShapeAssert =
  | { readonly atSeconds: number; readonly alert: 'burn'; readonly firing: readonly BurnFiring[] }
  | { readonly atSeconds: number; readonly alert: 'budget'; readonly firingPercents: readonly number[] };

/** A case of a shape: what every SLO of the shape shares (its input values follow `sliInputSeries`). */
export interface ShapeCase {
  /** The scenario the case belongs to (cases of one name share promtool groups). */
  readonly scenario: string;
  readonly intervalSeconds: number;
  readonly values: readonly string[];
  readonly asserts: readonly ShapeAssert[];
}

/** A shape's case from its timeline, the time its inputs run to and its assertions. */
function shapeCase(shape: ScenarioShape, scenario: string, tl: Timeline, untilSeconds: number, asserts: readonly ShapeAssert[]): ShapeCase {
  const step = shape.stepSeconds;
  return { scenario, intervalSeconds: step, values: sliInputValues(shape.inputs, tl, step, untilSeconds), asserts };
}

/**
 * The assertion on the burn-rate alert name at `t`: page and ticket share the name, so the
 * expected list holds every kind the arithmetic says is firing. `expect` is what the scenario is
 * about for `kind`; a disagreement with the arithmetic is a generator bug. Nothing is asserted
 * when any value is too close to a threshold or a rounding tie to predict.
 */
function burnAssert(shape: ScenarioShape, tl: Timeline, t: number, kind: 'page' | 'ticket', expect: 'firing' | 'inactive'): ShapeAssert[] {
  const firing: BurnFiring[] = [];
  for (let i = 0; i < shape.alerts.length; i++) {
    const a = shape.alerts[i]!;
    const s = burnState(shape, a, tl, t);
    if (s.state === 'tie') return [];
    if (a.kind === kind && s.state !== expect)
      throw new Error(`internal: ${kind} alert expected ${expect} at ${t} s; the arithmetic says ${s.state} (scenario shape ${shape.key})`);
    if (s.state !== 'firing') continue;
    if (!predictable(a, s.value)) return [];
    firing.push({ alert: i, value: s.value });
  }
  return [{ atSeconds: t, alert: 'burn', firing }];
}

/**
 * Reset checks that would need more steps than this after recovery are left out (cost). 460 at a
 * 1 m interval keeps the Workbook's longest short window (the 6 h of the ticket, 360 steps) plus
 * the ticket's keep_firing_for (1 h) in; only longer short windows of custom tables are left out.
 */
const MAX_RESET_STEPS = (Math.max(...WORKBOOK_WINDOWS.map((w) => w.shortWindowSeconds)) + TICKET_KEEP_FIRING_FOR_SECONDS) / 60 + 40;

/**
 * Full outage after a clean history, then recovery. The history covers the longest page window
 * (without pages, the longest short window), so a page fires within one evaluation of the
 * computed detection time and not one evaluation before it; an alert whose long window is longer
 * than the history fires earlier, and is checked to fire by its detection time. The outage lasts
 * until every alert fired and every short window that fits in 60 steps (and the shortest one) is saturated; each alert
 * must then resolve within its computed reset time after recovery (up to `MAX_RESET_STEPS`
 * steps after recovery: the 6 h ticket short window even at a 1 m evaluation interval).
 */
export function fullOutageCase(shape: ScenarioShape, scenario: string): ShapeCase | undefined {
  const step = shape.stepSeconds;
  const alerts = shape.alerts.filter((a) => a.windows.length > 0);
  if (alerts.length === 0) return undefined;
  const all = alerts.flatMap((a) => a.windows);
  const pages = all.filter((w) => w.kind === 'page');
  const start = ceilTo(
    Math.max(...(pages.length > 0 ? pages.map((w) => w.longWindowSeconds) : all.map((w) => w.shortWindowSeconds))),
    step,
  );
  const outageOnly = timeline([start, 0], [Infinity, 1]);
  // the times `slo explain` states (a summed window's lag included), for an outage of `outageSeconds` after a healthy history
  const stated = (a: ShapeAlert, outageSeconds: number) =>
    burnAlertTiming(
      shape,
      a.kind,
      shape.windows.filter((w) => w.kind === a.kind),
      { evaluationIntervalSeconds: step, backgroundErrorRatio: 0, outageSeconds },
    );
  const detections = new Map(alerts.map((a) => [a, stated(a, Infinity).detection.healthySeconds ?? 0]));
  const firstFiring = new Map<ShapeAlert, number>();
  for (const a of alerts) {
    const deadline = start + (Math.floor(detections.get(a)! / step) + 1) * step;
    let t = start + step;
    while (t < deadline && burnCondition(shape, a.windows, outageOnly, t).state !== 'firing') t += step;
    firstFiring.set(a, t);
  }
  // every short window of up to 60 steps, and always the SLO's shortest (the 6 h of a ticket-only
  // SLO), so a short window recorded over the wrong range shows in the reset
  const shortest = Math.min(...all.map((w) => w.shortWindowSeconds));
  const saturate = all.map((w) => w.shortWindowSeconds).filter((s) => s <= Math.max(60 * step, shortest));
  // long enough for every alert to fire in `slo explain`'s model too (whose history fills every
  // window), so the reset it states applies: an alert whose long window outlasts the history here
  // fires earlier, but its long window only clears later, so its short window still governs
  const outage =
    ceilTo(Math.max(...saturate, ...alerts.map((a) => detections.get(a)!), ...[...firstFiring.values()].map((t) => t - start)), step) +
    step;
  const recovery = start + outage;
  const tl = timeline([start, 0], [outage, 1], [Infinity, 0]);
  const asserts: ShapeAssert[] = [];
  let end = recovery;
  for (const a of alerts) {
    const timing = stated(a, outage);
    const detect = timing.detection.healthySeconds!;
    const lastQuiet = start + (Math.ceil(detect / step) - 1) * step;
    if (start >= Math.max(...a.windows.map((w) => w.longWindowSeconds)) && lastQuiet > start)
      asserts.push(...burnAssert(shape, tl, lastQuiet, a.kind, 'inactive'));
    asserts.push(...burnAssert(shape, tl, firstFiring.get(a)!, a.kind, 'firing'));
    asserts.push(...burnAssert(shape, tl, recovery, a.kind, 'firing'));
    // resolved at the first evaluation after the stated reset time, still firing at the last one before it
    const reset = timing.reset.afterOutageSeconds!;
    const resetSteps = Math.floor(reset / step) + 1;
    if (resetSteps > MAX_RESET_STEPS) continue;
    const lastFiring = recovery + (Math.ceil(reset / step) - 1) * step;
    if (lastFiring > recovery) asserts.push(...burnAssert(shape, tl, lastFiring, a.kind, 'firing'));
    asserts.push(...burnAssert(shape, tl, recovery + resetSteps * step, a.kind, 'inactive'));
    end = Math.max(end, recovery + resetSteps * step);
  }
  return shapeCase(shape, scenario, tl, end + step, mergeAsserts(asserts));
}

/**
 * A steady burn just above (or below) one window's threshold. Without a sibling window of lower
 * threshold the burn runs from 0 s and is checked a few steps in (every window's ratio equals the
 * burn from the second sample on). With one, the burn lasts one long window of `w` after a clean
 * history just long enough that the sibling's ratio stays under its own threshold, so only `w`
 * decides; the arithmetic confirms it or the case is dropped.
 */
export function thresholdCase(shape: ScenarioShape, scenario: string, w: ShapeWindow, above: boolean): ShapeCase | undefined {
  const step = shape.stepSeconds;
  const alert = shape.alerts.find((a) => a.windows.includes(w));
  if (!alert) return undefined;
  const ratio = quantize(w.errorRatioThreshold * (above ? 1 + THRESHOLD_MARGIN : 1 - THRESHOLD_MARGIN), above);
  if (ratio >= 1 || ratio <= 0) return undefined;
  const lower = alert.windows.filter((s) => s !== w && s.errorRatioThreshold < w.errorRatioThreshold);
  const burn = lower.length > 0 ? ceilTo(w.longWindowSeconds, step) : Math.min(ceilTo(w.shortWindowSeconds, step), STEADY_STEPS * step);
  // The sibling s sees burn × ratio / (history + burn); keep that a tenth under its threshold.
  const history = Math.max(
    0,
    ...lower.map((s) => ceilTo(Math.min(s.longWindowSeconds, Math.max(0, (burn * ratio) / (0.9 * s.errorRatioThreshold) - burn)), step)),
  );
  const at = history + burn;
  const tl = timeline([history, 0], [Infinity, ratio]);
  if (burnState(shape, alert, tl, at).state !== (above ? 'firing' : 'inactive')) return undefined;
  const asserts = burnAssert(shape, tl, at, alert.kind, above ? 'firing' : 'inactive');
  return asserts.length === 0 ? undefined : shapeCase(shape, scenario, tl, at + step, asserts);
}

/**
 * A steady burn at 1× the budget (one event in a million under it, so a 1× ticket window is not a
 * float tie): the page alert stays quiet, checked at each page short window (at most 10 steps in).
 */
export function steadyBudgetCase(shape: ScenarioShape, scenario: string): ShapeCase | undefined {
  const step = shape.stepSeconds;
  const page = shape.alerts.find((a) => a.kind === 'page' && a.windows.length > 0);
  if (!page) return undefined;
  const times = [...new Set(page.windows.map((w) => Math.min(ceilTo(w.shortWindowSeconds, step), STEADY_STEPS * step)))].sort(
    (a, b) => a - b,
  );
  const tl = timeline([Infinity, quantize(shape.errorBudget, false) - 1 / EVENTS_PER_SAMPLE]);
  const asserts = times.flatMap((t) => burnAssert(shape, tl, t, 'page', 'inactive'));
  return asserts.length === 0 ? undefined : shapeCase(shape, scenario, tl, times[times.length - 1]! + step, asserts);
}

/**
 * A burn wandering around the ticket's factor: above it (1.23×), then below it (0.5×) long enough
 * that both ticket windows fall under the threshold, then above it again — what a steady burn at
 * the factor looks like to Prometheus, whose ratios jitter around the threshold. The ticket fires
 * once and stays firing through the dip (`keep_firing_for`), asserted at every evaluation; the
 * case is dropped unless the dip really clears the condition, so it can only pass through
 * `keep_firing_for`. Phases are at most a quarter of the ticket's short window each.
 */
export function wanderingTicketCase(shape: ScenarioShape, scenario: string): ShapeCase | undefined {
  const step = shape.stepSeconds;
  const ticket = shape.alerts.find((a) => a.kind === 'ticket' && a.windows.length > 0);
  if (!ticket || ticket.keepFiringForSeconds === 0) return undefined;
  const w = ticket.windows.reduce((a, b) => (b.errorRatioThreshold < a.errorRatioThreshold ? b : a));
  const phase = Math.min(10, Math.floor(w.shortWindowSeconds / (4 * step))) * step;
  const high = quantize(w.errorRatioThreshold * 1.23, true);
  if (phase < 2 * step || high >= 1) return undefined;
  const tl = timeline([phase, high], [phase, quantize(w.errorRatioThreshold * 0.5, false)], [Infinity, high]);
  const end = 4 * phase;
  const times = Array.from({ length: end / step }, (_, i) => (i + 1) * step);
  const first = times.find((t) => burnCondition(shape, ticket.windows, tl, t).state === 'firing');
  const cleared = times.some((t) => first !== undefined && t > first && burnCondition(shape, ticket.windows, tl, t).state === 'inactive');
  if (first === undefined || !cleared) return undefined;
  const asserts = times.filter((t) => t >= first).flatMap((t) => burnAssert(shape, tl, t, 'ticket', 'firing'));
  return shapeCase(shape, scenario, tl, end + step, asserts);
}

/** Budget consumption: a steady error ratio that spends a share of the budget over the data so far. */
export function budgetCase(shape: ScenarioShape, scenario: string, above: boolean): ShapeCase | undefined {
  const step = shape.stepSeconds;
  const thresholds = shape.budgetThresholdsPercent;
  if (thresholds.length === 0) return undefined;
  const percent = above ? (thresholds[thresholds.length - 1]! + 100) / 2 : thresholds[0]! / 2;
  const tl = timeline([Infinity, quantize((shape.errorBudget * percent) / 100, above)]);
  const at = STEADY_STEPS * step;
  return shapeCase(shape, scenario, tl, at + step, [{ atSeconds: at, alert: 'budget', firingPercents: above ? thresholds : [] }]);
}

/** Drops duplicate assertions (same time: every assertion of a full outage is on the burn-rate alert name). */
function mergeAsserts(asserts: readonly ShapeAssert[]): ShapeAssert[] {
  const seen = new Map<number, ShapeAssert>();
  for (const a of asserts) seen.set(a.atSeconds, a);
  return [...seen.values()];
}

/**
 * The cases of a shape, by kind of check in the order the test file lists them (full outage,
 * threshold burns, steady burn, wandering ticket, budget), each kind's in the order of its
 * windows; cases without an assertion are left out.
 */
export function shapeCases(shape: ScenarioShape): readonly (readonly ShapeCase[])[] {
  const kept = (cases: readonly (ShapeCase | undefined)[]) => cases.filter((c): c is ShapeCase => c !== undefined && c.asserts.length > 0);
  const thresholds: (ShapeCase | undefined)[] = [];
  for (const w of shape.windows) {
    for (const above of [true, false]) {
      const verb = above ? 'above' : 'below';
      const outcome = above ? 'fires' : 'does not fire';
      const name = `a burn just ${verb} the ${w.factor}x factor of the ${w.longWindow}/${w.shortWindow} ${w.kind} window ${outcome}`;
      thresholds.push(thresholdCase(shape, name, w, above));
    }
  }
  return [
    kept([fullOutageCase(shape, 'full outage alerts within the detection time and resolves within the reset time')]),
    kept(thresholds),
    kept([steadyBudgetCase(shape, 'a steady burn of 1x never pages')]),
    kept([
      wanderingTicketCase(shape, 'a burn wandering around the ticket factor fires the ticket once and keeps it firing through the dips'),
    ]),
    kept([
      budgetCase(shape, 'spending more than the highest budget threshold fires every budget alert', true),
      budgetCase(shape, 'spending less than the lowest budget threshold fires no budget alert', false),
    ]),
  ];
}

/**
 * shapeCases by shape key: SLOs sharing a shape (a catalog has few objectives and alert policies)
 * share their numerics. Bounded, so a catalog of all-distinct shapes does not hold every one.
 */
const SHAPE_CASES = boundedMemo<readonly (readonly ShapeCase[])[]>(256);

/** A case of one SLO and the scenario it belongs to. */
export interface SloCase {
  readonly scenario: string;
  readonly case: ScenarioCase;
}

/**
 * The scenario cases of one SLO whose service is evaluated every `step`, by kind of check (see
 * `shapeCases`): the numerics of its shape, computed once per shape, with its own series, alert
 * names, labels and annotations.
 */
export function sloScenarioCases(slo: Slo, links: AlertLinks, step: number): readonly (readonly SloCase[])[] {
  const shape = scenarioShape(slo, links, step);
  const cases = SHAPE_CASES(shape.key, () => shapeCases(shape));
  const rules = kindAlerts(slo, links);
  const labels = sloSeriesLabels(slo);
  const series = sliInputSeries(slo, shape.inputs);
  // one object per alert and text: the YAML emitter writes an object it meets again once, and the
  // serializer compares each distinct object's text; values that print alike (1.02 and 1.04 as
  // "1.0×") expect the same alert
  const burnAlerts = new Map<AlertingRule, { byValue: Map<number, ExpectedAlert>; byText: Map<string, ExpectedAlert> }>();
  const burnAlert = ({ alert, value }: BurnFiring) => {
    const rule = rules[alert]!;
    let memo = burnAlerts.get(rule);
    if (!memo) burnAlerts.set(rule, (memo = { byValue: new Map(), byText: new Map() }));
    let expected = memo.byValue.get(value);
    if (!expected) {
      let key = '';
      for (const text of Object.values(rule.annotations)) key += `${valueKey(text, value)}|`;
      expected = memo.byText.get(key);
      if (!expected) memo.byText.set(key, (expected = expectedAlert(rule, labels, value)));
      memo.byValue.set(value, expected);
    }
    return expected;
  };
  const budget = budgetAlert(slo, links);
  const budgetRule = () => {
    if (!budget) throw new Error(`internal: ${slo.id} has budget scenarios but no budget alert`);
    return budget;
  };
  const budgetAlerts = new Map<number, ExpectedAlert>();
  const budgetExpected = (percent: number) => {
    let expected = budgetAlerts.get(percent);
    if (!expected)
      budgetAlerts.set(percent, (expected = expectedAlert(budgetRule(), { ...labels, [LABEL.budgetPercent]: String(percent) })));
    return expected;
  };
  return cases.map((kind) =>
    kind.map((c) => ({
      scenario: c.scenario,
      case: {
        intervalSeconds: c.intervalSeconds,
        inputs: series.map((s, i) => ({ series: s, values: c.values[i]! })),
        asserts: c.asserts.map((a) =>
          a.alert === 'burn'
            ? { atSeconds: a.atSeconds, alertname: slo.alerting.name, alerts: a.firing.map(burnAlert) }
            : { atSeconds: a.atSeconds, alertname: budgetRule().alert, alerts: a.firingPercents.map(budgetExpected) },
        ),
      },
    })),
  );
}

/** Packs a scenario's cases into as few promtool groups as possible without colliding series or alert names. */
export function packScenario(s: Scenario): TestGroup[] {
  const bins: { intervalSeconds: number; cases: ScenarioCase[]; series: Set<string>; alerts: Set<string> }[] = [];
  for (const c of s.cases) {
    const series = c.inputs.map((i) => i.series);
    const alerts = c.asserts.map((a) => a.alertname);
    let bin = bins.find(
      (b) => b.intervalSeconds === c.intervalSeconds && !series.some((x) => b.series.has(x)) && !alerts.some((x) => b.alerts.has(x)),
    );
    if (!bin) {
      bin = { intervalSeconds: c.intervalSeconds, cases: [], series: new Set(), alerts: new Set() };
      bins.push(bin);
    }
    bin.cases.push(c);
    series.forEach((x) => bin.series.add(x));
    alerts.forEach((x) => bin.alerts.add(x));
  }
  return bins.map((b, i) => {
    const asserts = b.cases.flatMap((c) => c.asserts).sort((x, y) => x.atSeconds - y.atSeconds || x.alertname.localeCompare(y.alertname));
    const alertTests: AlertRuleTest[] = asserts.map((a) => ({
      eval_time: formatDuration(a.atSeconds),
      alertname: a.alertname,
      exp_alerts: a.alerts,
    }));
    return {
      name: bins.length > 1 ? `${s.name} (${i + 1} of ${bins.length})` : s.name,
      interval: formatDuration(b.intervalSeconds),
      input_series: b.cases.flatMap((c) => c.inputs),
      alert_rule_test: alertTests,
    };
  });
}

/**
 * The SLO scenarios of a service, one named scenario per kind of check: every SLO's cases of the
 * first kind, then of the next (`sloScenarioCases`).
 */
function sloScenarios(slos: readonly Slo[], links: AlertLinks, step: number): Scenario[] {
  const byName = new Map<string, ScenarioCase[]>();
  const perSlo = slos.map((slo) => sloScenarioCases(slo, links, step));
  const kindCount = Math.max(0, ...perSlo.map((byKind) => byKind.length));
  for (let k = 0; k < kindCount; k++)
    for (const byKind of perSlo)
      for (const { scenario, case: c } of byKind[k] ?? []) {
        const cases = byName.get(scenario);
        if (cases) cases.push(c);
        else byName.set(scenario, [c]);
      }
  return [...byName].map(([name, cases]) => ({ name, cases }));
}

/**
 * The promtool test file of one service: the SLO scenarios, then each layer's; `groupNames` are
 * the rule file's groups in file order.
 */
export function promtoolTestFile(
  service: string,
  slos: readonly Slo[],
  inputs: RuleInputs,
  ruleFile: string,
  groupNames: readonly string[],
): TestFile {
  const { links, layers } = inputs;
  const bound = Math.min(...layers.map((l) => l.maxEvaluationIntervalSeconds?.(service) ?? Infinity));
  const step = evaluationInterval(slos, bound);
  const withPolicy = (rule: AlertingRule) => withAlertPolicy(rule, links);
  const scenarios = [...sloScenarios(slos, links, step), ...layers.flatMap((l) => l.scenarios?.(service, withPolicy) ?? [])];
  return {
    rule_files: [ruleFile],
    evaluation_interval: formatDuration(step),
    group_eval_order: groupNames,
    tests: [
      ...scenarios.flatMap(packScenario),
      ...packExpressionTests(slos.map((slo) => ({ slo, groups: sliExpressionTests(slo, step, noDataAlerts(slo).map(withPolicy)[0]) }))),
    ],
  };
}

/** sliSelectors of each SLO, parsed once: packing asks for every SLO of a bin again. */
const SLI_SELECTORS = new WeakMap<Slo, readonly SelectorUse[]>();

/** Every vector selector an SLO's rules read (its error ratio and its total). */
function sliSelectors(slo: Slo): readonly SelectorUse[] {
  let selectors = SLI_SELECTORS.get(slo);
  if (!selectors) {
    const exprs = [errorRatioQuery(slo.sli, '5m'), totalEventsQuery(slo.sli, '5m') ?? ''].filter(Boolean);
    SLI_SELECTORS.set(slo, (selectors = exprs.flatMap((e) => vectorSelectors(e))));
  }
  return selectors;
}

/** An input series' metric name and labels; no labels when its selector is not equality-only. */
interface ParsedSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
}

function parseSeries(series: string): ParsedSeries {
  const open = series.indexOf('{');
  return { name: series.slice(0, open), labels: equalityMatchers(series.slice(open + 1, -1)) };
}

/** True when an input series matches a selector. */
function seriesMatches({ name, labels }: ParsedSeries, sel: SelectorUse): boolean {
  if (!labels || (sel.metric !== '' && sel.metric !== name)) return false;
  for (const m of sel.matchers) if (!matcherMatches(m, m.name === '__name__' ? name : (labels[m.name] ?? ''))) return false;
  return true;
}

/** True when a selector of `reads` matches an input series of `series`. */
function readsAny(series: readonly ParsedSeries[], reads: readonly SelectorUse[]): boolean {
  for (const i of series) for (const sel of reads) if (seriesMatches(i, sel)) return true;
  return false;
}

/**
 * The expression tests of a file's SLOs, the k-th case of each SLO sharing one promtool group
 * when no SLO's series is read by another's rules: promtool evaluates every rule of the file at
 * every step of every group, and a no-data case waits one no-data window (6 h for a ticket-only
 * SLO: 360 steps at 1 m), so five SLOs in one group cost a fifth. Assertions are unchanged.
 */
function packExpressionTests(perSlo: readonly { slo: Slo; groups: readonly TestGroup[] }[]): TestGroup[] {
  const bins: { slos: Slo[]; groups: TestGroup[] }[][] = [];
  const out: TestGroup[] = [];
  const depth = Math.max(0, ...perSlo.map((p) => p.groups.length));
  // each group's input series parsed once: packing compares every group of a bin with every SLO
  const parsed = new Map<TestGroup, ParsedSeries[]>();
  const inputsOf = (g: TestGroup) => {
    let series = parsed.get(g);
    if (!series) parsed.set(g, (series = g.input_series.map((i) => parseSeries(i.series))));
    return series;
  };
  for (let k = 0; k < depth; k++) {
    const bucket: { slos: Slo[]; groups: TestGroup[] }[] = [];
    for (const { slo, groups } of perSlo) {
      const g = groups[k];
      if (!g) continue;
      const reads = sliSelectors(slo);
      // loops rather than nested callbacks: the closures of every test were a large share of what packing allocated
      let bin: { slos: Slo[]; groups: TestGroup[] } | undefined;
      for (const b of bucket) {
        if (b.groups[0]!.interval !== g.interval) continue;
        let collides = false;
        for (const o of b.groups) if ((collides = readsAny(inputsOf(o), reads))) break;
        if (!collides) for (const o of b.slos) if ((collides = readsAny(inputsOf(g), sliSelectors(o)))) break;
        if (!collides) {
          bin = b;
          break;
        }
      }
      if (bin) {
        bin.slos.push(slo);
        bin.groups.push(g);
      } else bucket.push({ slos: [slo], groups: [g] });
    }
    bins.push(bucket);
  }
  for (const bucket of bins)
    for (const b of bucket)
      out.push(
        b.groups.length === 1
          ? b.groups[0]!
          : {
              name: b.groups.map((g) => g.name).join('; '),
              interval: b.groups[0]!.interval,
              input_series: b.groups.flatMap((g) => g.input_series),
              alert_rule_test: b.groups.flatMap((g) => g.alert_rule_test),
              promql_expr_test: b.groups.flatMap((g) => g.promql_expr_test ?? []),
            },
      );
  return out;
}
