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
 * as short as their windows allow (see `evaluationInterval` and the history lengths below).
 */
import { LABEL } from '../../slos/conventions';
import { sloAlertTimings, TICKET_KEEP_FIRING_FOR_SECONDS } from '../../slos/alert-timing';
import { fullOutageDetectionSeconds, WORKBOOK_WINDOWS, type BurnWindow } from '../../slos/burn-rate';
import { formatDuration, parseDuration } from '../../slos/duration';
import { errorRatioQuery, totalEventsQuery, type Slo } from '../../slos/model';
import { matcherMatches, vectorSelectors, type SelectorUse } from '../../slos/promql';
import { equalityMatchers } from './private/series';
import type { RuleInputs } from './layer';
import { withAlertPolicy, type AlertLinks } from './policy';
import { nearRoundingTie, printfDecimals } from './private/template';
import { timeline, type Timeline } from './private/timeline';
import type { AlertingRule, AlertRuleTest, ExpectedAlert, TestFile, TestGroup } from './rules';
import {
  EVENTS_PER_SAMPLE,
  evaluationInterval,
  expectedAlert,
  quantize,
  recordedWindowValue,
  sliInputs,
  type Scenario,
  type ScenarioCase,
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

/** One burn-rate alert of an SLO (page or ticket) with the windows that can fire it. */
interface KindAlert {
  readonly kind: 'page' | 'ticket';
  readonly rule: AlertingRule;
  readonly windows: readonly BurnWindow[];
  /** The rule's `keep_firing_for` in seconds (0 when it has none). */
  readonly keepFiringForSeconds: number;
}

/** kindAlerts of each SLO and links, computed once: every assertion of every case asks again. */
const KIND_ALERTS = new WeakMap<Slo, WeakMap<AlertLinks, KindAlert[]>>();

/** The burn-rate alerts of an SLO, policy applied, with their windows. */
function kindAlerts(slo: Slo, links: AlertLinks): KindAlert[] {
  let bySlo = KIND_ALERTS.get(slo);
  if (!bySlo) KIND_ALERTS.set(slo, (bySlo = new WeakMap()));
  let alerts = bySlo.get(links);
  if (!alerts) bySlo.set(links, (alerts = renderKindAlerts(slo, links)));
  return alerts;
}

function renderKindAlerts(slo: Slo, links: AlertLinks): KindAlert[] {
  return burnRateAlerts(slo).map((r) => {
    const kind = r.labels[LABEL.alertKind] as 'page' | 'ticket';
    return {
      kind,
      rule: withAlertPolicy(r, links),
      windows: slo.alerting.windows.filter((w) => w.kind === kind && Number.isFinite(fullOutageDetectionSeconds(w))),
      keepFiringForSeconds: r.keepFiringFor === undefined ? 0 : parseDuration(r.keepFiringFor),
    };
  });
}

type BurnState = { readonly state: 'firing'; readonly value: number } | { readonly state: 'inactive' | 'tie' };

/**
 * Whether the condition of a burn-rate alert (the OR of its windows) holds at the evaluation `t`
 * under `tl`, evaluated every `step` (a window summed from recorded rates depends on it), with its
 * value, or is too close to call.
 */
export function burnCondition(slo: Slo, windows: readonly BurnWindow[], tl: Timeline, t: number, step: number): BurnState {
  let byWindows = CONDITIONS.get(tl);
  if (!byWindows) CONDITIONS.set(tl, (byWindows = new WeakMap()));
  let bySlo = byWindows.get(windows);
  if (!bySlo) byWindows.set(windows, (bySlo = new WeakMap()));
  let byStep = bySlo.get(slo);
  if (!byStep) bySlo.set(slo, (byStep = new Map()));
  let byTime = byStep.get(step);
  if (!byTime) byStep.set(step, (byTime = new Map()));
  let state = byTime.get(t);
  if (!state) byTime.set(t, (state = evaluateBurnCondition(slo, windows, tl, t, step)));
  return state;
}

/**
 * burnCondition by timeline, windows, SLO, step and time: a case asks for the same evaluation
 * again and again (each assertion of an alert with `keep_firing_for` looks back at every
 * evaluation within it). Keyed by the objects themselves, so a case's entries go with its timeline.
 */
const CONDITIONS = new WeakMap<Timeline, WeakMap<readonly BurnWindow[], WeakMap<Slo, Map<number, Map<number, BurnState>>>>>();

function evaluateBurnCondition(slo: Slo, windows: readonly BurnWindow[], tl: Timeline, t: number, step: number): BurnState {
  for (const w of windows) {
    const long = recordedWindowValue(slo, w.longWindow, tl, t, step);
    const short = recordedWindowValue(slo, w.shortWindow, tl, t, step);
    if (Math.abs(long - w.errorRatioThreshold) < TIE || Math.abs(short - w.errorRatioThreshold) < TIE) return { state: 'tie' };
    if (long > w.errorRatioThreshold && short > w.errorRatioThreshold) return { state: 'firing', value: long / slo.errorBudget };
  }
  return { state: 'inactive' };
}

/**
 * What one burn-rate alert does at the evaluation `t` under `tl`, evaluated every `step`: firing
 * while its condition holds, and — with `keep_firing_for` K — until K after the first evaluation
 * that no longer matches (Prometheus keeps the last value and annotations meanwhile); inactive
 * otherwise; a tie when any evaluation that decides it is too close to call.
 */
export function burnState(
  slo: Slo,
  a: Pick<KindAlert, 'windows' | 'keepFiringForSeconds'>,
  tl: Timeline,
  t: number,
  step: number,
): BurnState {
  const now = burnCondition(slo, a.windows, tl, t, step);
  if (now.state !== 'inactive' || a.keepFiringForSeconds === 0) return now;
  // the latest evaluation before t whose condition held, within K: it keeps firing while the first clear one is less than K ago
  for (let s = t - step; s >= 0 && t - (s + step) < a.keepFiringForSeconds; s -= step) {
    const then = burnCondition(slo, a.windows, tl, s, step);
    if (then.state !== 'inactive') return then;
  }
  return now;
}

/** True when every `printf` of the rule's annotations is safe to predict for `value`. */
function predictable(rule: AlertingRule, value: number): boolean {
  return Object.values(rule.annotations).every((a) => printfDecimals(a).every((d) => !nearRoundingTie(value, d)));
}

/**
 * The assertion on an SLO's burn-rate alert name at `t`: page and ticket share the name, so the
 * expected list holds every kind the arithmetic says is firing. `expect` is what the scenario is
 * about for `kind`; a disagreement with the arithmetic is a generator bug. Nothing is asserted
 * when any value is too close to a threshold or a rounding tie to predict.
 */
function burnAssert(
  slo: Slo,
  links: AlertLinks,
  tl: Timeline,
  t: number,
  step: number,
  kind: 'page' | 'ticket',
  expect: 'firing' | 'inactive',
) {
  const alerts: ExpectedAlert[] = [];
  for (const a of kindAlerts(slo, links)) {
    const s = burnState(slo, a, tl, t, step);
    if (s.state === 'tie') return [];
    if (a.kind === kind && s.state !== expect)
      throw new Error(`internal: ${slo.id} ${kind} alert expected ${expect} at ${t} s; the arithmetic says ${s.state}`);
    if (s.state !== 'firing') continue;
    if (!predictable(a.rule, s.value)) return [];
    alerts.push(burnAlert(slo, a.rule, tl, s.value));
  }
  return [{ atSeconds: t, alertname: slo.alerting.name, alerts }];
}

/**
 * The expected alert of an SLO's burn-rate rule at `value`, built once per rule and value in a
 * case (keyed by its timeline, so they go with it): a case asserts the same firing alert at many
 * evaluations (the wandering ticket at every one).
 */
function burnAlert(slo: Slo, rule: AlertingRule, tl: Timeline, value: number): ExpectedAlert {
  let byRule = BURN_ALERTS.get(tl);
  if (!byRule) BURN_ALERTS.set(tl, (byRule = new WeakMap()));
  let byValue = byRule.get(rule);
  if (!byValue) byRule.set(rule, (byValue = new Map()));
  let alert = byValue.get(value);
  if (!alert) byValue.set(value, (alert = expectedAlert(rule, sloSeriesLabels(slo), value)));
  return alert;
}

/** burnAlert by timeline, rule (one SLO's, policy applied) and value. */
const BURN_ALERTS = new WeakMap<Timeline, WeakMap<AlertingRule, Map<number, ExpectedAlert>>>();

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
export function fullOutageCase(slo: Slo, links: AlertLinks, step: number): ScenarioCase | undefined {
  const alerts = kindAlerts(slo, links).filter((a) => a.windows.length > 0);
  if (alerts.length === 0) return undefined;
  const all = alerts.flatMap((a) => a.windows);
  const pages = all.filter((w) => w.kind === 'page');
  const start = ceilTo(
    Math.max(...(pages.length > 0 ? pages.map((w) => w.longWindowSeconds) : all.map((w) => w.shortWindowSeconds))),
    step,
  );
  const outageOnly = timeline([start, 0], [Infinity, 1]);
  // the times `slo explain` states (a summed window's lag included), for an outage of `outageSeconds` after a healthy history
  const stated = (outageSeconds: number) =>
    sloAlertTimings(slo, { evaluationIntervalSeconds: step, backgroundErrorRatio: 0, outageSeconds });
  const detections = new Map(stated(Infinity).map((t) => [t.kind, t.detection.healthySeconds ?? 0]));
  const firstFiring = new Map<KindAlert, number>();
  for (const a of alerts) {
    const deadline = start + (Math.floor(detections.get(a.kind)! / step) + 1) * step;
    let t = start + step;
    while (t < deadline && burnCondition(slo, a.windows, outageOnly, t, step).state !== 'firing') t += step;
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
    ceilTo(Math.max(...saturate, ...alerts.map((a) => detections.get(a.kind)!), ...[...firstFiring.values()].map((t) => t - start)), step) +
    step;
  const recovery = start + outage;
  const tl = timeline([start, 0], [outage, 1], [Infinity, 0]);
  const asserts: ScenarioCase['asserts'][number][] = [];
  let end = recovery;
  const timings = stated(outage);
  for (const a of alerts) {
    const timing = timings.find((t) => t.kind === a.kind)!;
    const detect = timing.detection.healthySeconds!;
    const lastQuiet = start + (Math.ceil(detect / step) - 1) * step;
    if (start >= Math.max(...a.windows.map((w) => w.longWindowSeconds)) && lastQuiet > start)
      asserts.push(...burnAssert(slo, links, tl, lastQuiet, step, a.kind, 'inactive'));
    asserts.push(...burnAssert(slo, links, tl, firstFiring.get(a)!, step, a.kind, 'firing'));
    asserts.push(...burnAssert(slo, links, tl, recovery, step, a.kind, 'firing'));
    // resolved at the first evaluation after the stated reset time, still firing at the last one before it
    const reset = timing.reset.afterOutageSeconds!;
    const resetSteps = Math.floor(reset / step) + 1;
    if (resetSteps > MAX_RESET_STEPS) continue;
    const lastFiring = recovery + (Math.ceil(reset / step) - 1) * step;
    if (lastFiring > recovery) asserts.push(...burnAssert(slo, links, tl, lastFiring, step, a.kind, 'firing'));
    asserts.push(...burnAssert(slo, links, tl, recovery + resetSteps * step, step, a.kind, 'inactive'));
    end = Math.max(end, recovery + resetSteps * step);
  }
  return { intervalSeconds: step, inputs: sliInputs(slo, tl, step, end + step), asserts: mergeAsserts(asserts) };
}

/**
 * A steady burn just above (or below) one window's threshold. Without a sibling window of lower
 * threshold the burn runs from 0 s and is checked a few steps in (every window's ratio equals the
 * burn from the second sample on). With one, the burn lasts one long window of `w` after a clean
 * history just long enough that the sibling's ratio stays under its own threshold, so only `w`
 * decides; the arithmetic confirms it or the case is dropped.
 */
export function thresholdCase(slo: Slo, links: AlertLinks, w: BurnWindow, above: boolean, step: number): ScenarioCase | undefined {
  const alert = kindAlerts(slo, links).find((a) => a.windows.includes(w));
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
  if (burnState(slo, alert, tl, at, step).state !== (above ? 'firing' : 'inactive')) return undefined;
  const asserts = burnAssert(slo, links, tl, at, step, alert.kind, above ? 'firing' : 'inactive');
  return asserts.length === 0 ? undefined : { intervalSeconds: step, inputs: sliInputs(slo, tl, step, at + step), asserts };
}

/**
 * A steady burn at 1× the budget (one event in a million under it, so a 1× ticket window is not a
 * float tie): the page alert stays quiet, checked at each page short window (at most 10 steps in).
 */
export function steadyBudgetCase(slo: Slo, links: AlertLinks, step: number): ScenarioCase | undefined {
  const page = kindAlerts(slo, links).find((a) => a.kind === 'page' && a.windows.length > 0);
  if (!page) return undefined;
  const times = [...new Set(page.windows.map((w) => Math.min(ceilTo(w.shortWindowSeconds, step), STEADY_STEPS * step)))].sort(
    (a, b) => a - b,
  );
  const tl = timeline([Infinity, quantize(slo.errorBudget, false) - 1 / EVENTS_PER_SAMPLE]);
  const asserts = times.flatMap((t) => burnAssert(slo, links, tl, t, step, 'page', 'inactive'));
  return asserts.length === 0
    ? undefined
    : { intervalSeconds: step, inputs: sliInputs(slo, tl, step, times[times.length - 1]! + step), asserts };
}

/**
 * A burn wandering around the ticket's factor: above it (1.23×), then below it (0.5×) long enough
 * that both ticket windows fall under the threshold, then above it again — what a steady burn at
 * the factor looks like to Prometheus, whose ratios jitter around the threshold. The ticket fires
 * once and stays firing through the dip (`keep_firing_for`), asserted at every evaluation; the
 * case is dropped unless the dip really clears the condition, so it can only pass through
 * `keep_firing_for`. Phases are at most a quarter of the ticket's short window each.
 */
export function wanderingTicketCase(slo: Slo, links: AlertLinks, step: number): ScenarioCase | undefined {
  const ticket = kindAlerts(slo, links).find((a) => a.kind === 'ticket' && a.windows.length > 0);
  if (!ticket || ticket.keepFiringForSeconds === 0) return undefined;
  const w = ticket.windows.reduce((a, b) => (b.errorRatioThreshold < a.errorRatioThreshold ? b : a));
  const phase = Math.min(10, Math.floor(w.shortWindowSeconds / (4 * step))) * step;
  const high = quantize(w.errorRatioThreshold * 1.23, true);
  if (phase < 2 * step || high >= 1) return undefined;
  const tl = timeline([phase, high], [phase, quantize(w.errorRatioThreshold * 0.5, false)], [Infinity, high]);
  const end = 4 * phase;
  const times = Array.from({ length: end / step }, (_, i) => (i + 1) * step);
  const first = times.find((t) => burnCondition(slo, ticket.windows, tl, t, step).state === 'firing');
  const cleared = times.some(
    (t) => first !== undefined && t > first && burnCondition(slo, ticket.windows, tl, t, step).state === 'inactive',
  );
  if (first === undefined || !cleared) return undefined;
  const asserts = times.filter((t) => t >= first).flatMap((t) => burnAssert(slo, links, tl, t, step, 'ticket', 'firing'));
  return { intervalSeconds: step, inputs: sliInputs(slo, tl, step, end + step), asserts };
}

/** Budget consumption: a steady error ratio that spends a share of the budget over the data so far. */
export function budgetCase(slo: Slo, links: AlertLinks, above: boolean, step: number): ScenarioCase | undefined {
  const rule = budgetConsumedAlerts(slo).map((r) => withAlertPolicy(r, links))[0];
  const thresholds = slo.alerting.budgetConsumed.thresholdsPercent;
  if (!rule) return undefined;
  const percent = above ? (thresholds[thresholds.length - 1]! + 100) / 2 : thresholds[0]! / 2;
  const tl = timeline([Infinity, quantize((slo.errorBudget * percent) / 100, above)]);
  const at = STEADY_STEPS * step;
  const alerts = above ? thresholds.map((p) => expectedAlert(rule, { ...sloSeriesLabels(slo), [LABEL.budgetPercent]: String(p) })) : [];
  return {
    intervalSeconds: step,
    inputs: sliInputs(slo, tl, step, at + step),
    asserts: [{ atSeconds: at, alertname: rule.alert, alerts }],
  };
}

/** Drops duplicate assertions (same time and alert name). */
function mergeAsserts(asserts: ScenarioCase['asserts']): ScenarioCase['asserts'] {
  const seen = new Map<string, ScenarioCase['asserts'][number]>();
  for (const a of asserts) seen.set(`${a.atSeconds}/${a.alertname}`, a);
  return [...seen.values()];
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

/** The SLO scenarios of a service, one named scenario per kind of check. */
function sloScenarios(slos: readonly Slo[], links: AlertLinks, step: number): Scenario[] {
  const byName = new Map<string, ScenarioCase[]>();
  const add = (name: string, c: ScenarioCase | undefined) => {
    if (!c || c.asserts.length === 0) return;
    const cases = byName.get(name);
    if (cases) cases.push(c);
    else byName.set(name, [c]);
  };
  for (const slo of slos)
    add('full outage alerts within the detection time and resolves within the reset time', fullOutageCase(slo, links, step));
  for (const slo of slos) {
    for (const w of slo.alerting.windows) {
      for (const above of [true, false]) {
        const verb = above ? 'above' : 'below';
        const outcome = above ? 'fires' : 'does not fire';
        add(
          `a burn just ${verb} the ${w.factor}x factor of the ${w.longWindow}/${w.shortWindow} ${w.kind} window ${outcome}`,
          thresholdCase(slo, links, w, above, step),
        );
      }
    }
  }
  for (const slo of slos) add('a steady burn of 1x never pages', steadyBudgetCase(slo, links, step));
  for (const slo of slos)
    add(
      'a burn wandering around the ticket factor fires the ticket once and keeps it firing through the dips',
      wanderingTicketCase(slo, links, step),
    );
  for (const slo of slos) {
    add('spending more than the highest budget threshold fires every budget alert', budgetCase(slo, links, true, step));
    add('spending less than the lowest budget threshold fires no budget alert', budgetCase(slo, links, false, step));
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
  return sel.matchers.every((m) => matcherMatches(m, m.name === '__name__' ? name : (labels[m.name] ?? '')));
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
      const bin = bucket.find(
        (b) =>
          b.groups[0]!.interval === g.interval &&
          !b.groups.some((o) => inputsOf(o).some((i) => reads.some((sel) => seriesMatches(i, sel)))) &&
          !b.slos.some((o) => inputsOf(g).some((i) => sliSelectors(o).some((sel) => seriesMatches(i, sel)))),
      );
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
