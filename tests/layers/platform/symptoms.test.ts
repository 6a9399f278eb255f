/**
 * No echoes (docs/alerting.md): every symptom alert either cannot fire more than one evaluation
 * after the fault that caused it ended, or its description says how long after it may; the fast
 * symptoms read a window of two scrapes; the generated no-echo scenarios assert what
 * `symptomTimings` states (promtool runs them in tests/alerts/prometheus/promtool.test.ts).
 */
import { withAlertPolicy } from '../../../alerts/prometheus/policy';
import { isAlertingRule, type AlertingRule } from '../../../alerts/prometheus/rules';
import { environmentLinks } from '../../../layers/platform/layer';
import { apiScrapeIntervalSeconds } from '../../../layers/platform/metrics-contract';
import { BLIP_SECONDS, FAULT_AT_SECONDS, noEchoOutageSeconds, symptomScenarios } from '../../../layers/platform/symptom-scenarios';
import { symptomTimings, type SymptomTiming } from '../../../layers/platform/symptom-timing';
import {
  fastSymptomWindow,
  fastSymptomWindowSeconds,
  REASON_LABEL,
  SYMPTOM,
  symptomEvaluationIntervalSeconds,
  symptomGroup,
  type SymptomInputs,
} from '../../../layers/platform/symptoms';
import { formatDuration, parseDuration } from '../../../slos/duration';
import { loadCatalog } from '../../../slos/load';
import type { SloCatalog } from '../../../slos/model';
import { EVALUATION_INTERVALS } from '../../../slos/schema';
import { exampleEnv, exampleSymptoms } from './example';

const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;
const inputs = exampleSymptoms(catalog);
const FAST = [SYMPTOM.errorRate, SYMPTOM.latency, SYMPTOM.rateLimited];

/** The example's symptom inputs with the platform service evaluated every `interval`. */
function evaluatedEvery(interval: string): SymptomInputs {
  const p = inputs.platform;
  return { ...inputs, platform: { ...p, errorRate: { ...p.errorRate, evaluationInterval: interval } } };
}

const rules = (i: SymptomInputs) => symptomGroup(i).rules.filter(isAlertingRule);
const timingOf = (timings: readonly SymptomTiming[], rule: AlertingRule) =>
  timings.find((t) => t.alert === rule.alert && t.labels[REASON_LABEL] === rule.labels[REASON_LABEL]);
const options = { backgroundErrorRatio: () => 0, outageSeconds: 3600 };

describe('the fast symptom window', () => {
  test.each(EVALUATION_INTERVALS)('at a %s evaluation it holds two scrapes and one evaluation, and no more than the larger', (interval) => {
    // given the platform service evaluated at that interval
    const i = evaluatedEvery(interval);
    // when
    const seconds = fastSymptomWindowSeconds(i);
    // then: rate() sees two samples, the window is at least one evaluation, and nothing longer than needed
    expect(seconds).toBeGreaterThanOrEqual(2 * apiScrapeIntervalSeconds());
    expect(seconds).toBeGreaterThanOrEqual(symptomEvaluationIntervalSeconds(i));
    expect([2 * apiScrapeIntervalSeconds(), symptomEvaluationIntervalSeconds(i)]).toContain(seconds);
  });

  test.each(FAST)('%s reads the fast window and no longer one', (alert) => {
    const window = fastSymptomWindow(inputs);
    for (const rule of rules(inputs).filter((r) => r.alert === alert)) {
      const ranges = [...rule.expr.matchAll(/ratio_rate(\w+)\{|\[(\w+)\]/g)].map((m) => m[1] ?? m[2]);
      expect(ranges.length).toBeGreaterThan(0);
      expect(new Set(ranges)).toEqual(new Set([window]));
    }
  });
});

describe('echo bounds', () => {
  const timings = symptomTimings(inputs, options);

  test('every symptom rule has exactly one timing, and every timing a rule', () => {
    const all = rules(inputs);
    expect(all.map((r) => timingOf(timings, r)?.alert)).toEqual(all.map((r) => r.alert));
    expect(timings).toHaveLength(all.length);
  });

  test.each(rules(inputs).map((r) => [`${r.alert}${r.labels[REASON_LABEL] ? ` (${r.labels[REASON_LABEL]})` : ''}`, r] as const))(
    '%s fires at most one evaluation after its fault, or its description says how long after it may',
    (_, rule) => {
      // given its timing, hold and window
      const t = timingOf(timings, rule)!;
      expect(t.forSeconds).toBe(rule.for === undefined ? 0 : parseDuration(rule.for));
      // then: an echo beyond one evaluation is stated in the description, with a bound no shorter than the echo
      if (t.echoSeconds > t.evaluationIntervalSeconds) {
        expect(t.windowSeconds).not.toBeNull();
        expect(t.windowSeconds!).toBeGreaterThanOrEqual(t.echoSeconds);
        expect(rule.annotations.description).toContain(`may still fire up to ${formatDuration(t.windowSeconds!)} after`);
      } else {
        expect(rule.annotations.description).not.toContain('may still fire');
      }
    },
  );

  test.each(FAST)('%s may echo (its hold can complete after the fault ended) but no longer than its window', (alert) => {
    for (const t of timings.filter((x) => x.alert === alert)) {
      expect(t.echoSeconds).toBeGreaterThan(0);
      expect(t.echoSeconds).toBeLessThanOrEqual(t.windowSeconds!);
    }
  });
});

describe('the generated no-echo scenarios', () => {
  const scenarios = symptomScenarios(inputs, (r) => withAlertPolicy(r, environmentLinks(exampleEnv)));
  const evaluation = symptomEvaluationIntervalSeconds(inputs);
  const hold = parseDuration(inputs.env.symptoms.forDuration);
  const window = fastSymptomWindowSeconds(inputs);
  const named = (prefix: string) => scenarios.filter((s) => s.name.startsWith(`no echoes: ${prefix}`));
  const asserts = (prefix: string) => named(prefix).flatMap((s) => s.cases.flatMap((c) => c.asserts));

  test('the blip scenarios assert every fast symptom quiet at every evaluation until the window and hold are long past', () => {
    // given the blip scenarios of the SLO symptoms and of the 429 share
    expect(named(`a ${BLIP_SECONDS} s blip`)).toHaveLength(2);
    const a = asserts(`a ${BLIP_SECONDS} s blip`);
    // then: nothing fires, and every evaluation from the blip to its end plus window and hold is asserted
    expect(a.every((x) => x.alerts.length === 0)).toBe(true);
    expect(new Set(a.map((x) => x.alertname))).toEqual(new Set(FAST));
    const times = new Set(a.map((x) => x.atSeconds));
    for (let t = FAULT_AT_SECONDS; t <= FAULT_AT_SECONDS + BLIP_SECONDS + window + hold; t += evaluation) expect(times).toContain(t);
  });

  test('a fault as long as the hold fires after it ended, never later than its echo bound, and resolves', () => {
    const timings = symptomTimings(inputs, { ...options, outageSeconds: hold });
    const recovery = FAULT_AT_SECONDS + hold;
    const firing = asserts('a fault as long as the hold').filter((x) => x.alerts.length > 0);
    // then: it does fire after the fault (the echo the descriptions state) ...
    expect(firing.some((x) => x.atSeconds > recovery)).toBe(true);
    // ... but within the echo bound plus one evaluation, and it is asserted quiet afterwards
    for (const x of firing) {
      const echo = Math.max(...timings.filter((t) => t.alert === x.alertname).map((t) => t.echoSeconds));
      expect(x.atSeconds - recovery).toBeLessThanOrEqual(echo + evaluation);
    }
    const last = Math.max(...firing.map((x) => x.atSeconds));
    expect(asserts('a fault as long as the hold').some((x) => x.atSeconds > last && x.alerts.length === 0)).toBe(true);
  });

  test.each(FAST)(
    'in the outage %s is asserted firing from its stated detection time and resolved by its stated reset time, each within one evaluation',
    (alert) => {
      // given every assertion of the alert in the outage scenario, and the times stated for that outage
      const outage = noEchoOutageSeconds(inputs);
      const recovery = FAULT_AT_SECONDS + outage;
      const a = asserts('an outage fires').filter((x) => x.alertname === alert);
      const firing = a.filter((x) => x.alerts.length > 0).map((x) => x.atSeconds);
      const quiet = a.filter((x) => x.alerts.length === 0).map((x) => x.atSeconds);
      const timings = symptomTimings(inputs, { ...options, outageSeconds: outage }).filter((t) => t.alert === alert);
      for (const t of timings) {
        const detection = t.detection.healthySeconds!;
        const reset = t.reset.afterOutageSeconds!;
        // then: quiet before the detection time, firing within one evaluation after it
        expect(Math.max(...quiet.filter((q) => q < Math.min(...firing))) - FAULT_AT_SECONDS).toBeLessThan(detection);
        expect(Math.min(...firing) - FAULT_AT_SECONDS).toBeGreaterThanOrEqual(detection);
        expect(Math.min(...firing) - FAULT_AT_SECONDS).toBeLessThanOrEqual(detection + evaluation);
        // and firing until the reset time, resolved within one evaluation after it
        expect(Math.max(...firing) - recovery).toBeLessThan(reset);
        const resolved = Math.min(...quiet.filter((q) => q > Math.max(...firing)));
        expect(resolved - recovery).toBeGreaterThanOrEqual(reset);
        expect(resolved - recovery).toBeLessThanOrEqual(reset + evaluation);
        // and every evaluation between is asserted
        expect(firing).toHaveLength((Math.max(...firing) - Math.min(...firing)) / evaluation + 1);
      }
    },
  );
});
