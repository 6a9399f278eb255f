/**
 * promtool scenarios of the symptom alerts: one per alert, and one per chaos case of targets.md §2
 * (Redis unavailable, database unavailable, several instances restarting, key rotation failure),
 * each asserting the alert that catches it and its severity. Healthy first, then the fault; the
 * alert must be quiet before and firing once its window and pending period have passed.
 */
import { isAlertingRule, type AlertingRule, type InputSeries } from '../../alerts/prometheus/rules';
import {
  expandingNotation,
  expectedAlert,
  quantize,
  seriesSelector,
  sliInputs as sliSeries,
  timeline,
  windowedAverage,
  type Scenario,
  type ScenarioCase,
  type Timeline,
} from '../../alerts/prometheus/scenario';
import { sloSeriesLabels } from '../../alerts/prometheus/sli-rules';
import { parseDuration } from '../../slos/duration';
import type { Slo } from '../../slos/model';
import { DEPENDENCY, PLATFORM_METRICS as M, RATE_LIMITED_CODE } from './platform-metrics';
import { symptomTimings, type SymptomTiming } from './symptom-timing';
import {
  availabilityWindow,
  fastSymptomWindow,
  fastSymptomWindowSeconds,
  REASON_LABEL,
  SYMPTOM,
  symptomEvaluationIntervalSeconds,
  symptomGroup,
  symptomReads,
  type SymptomInputs,
} from './symptoms';

/**
 * Sample spacing of every symptom scenario, and the longest evaluation interval of the file that
 * holds the symptom alerts: their `for:` durations and scenarios are written in one-minute steps.
 */
export const SYMPTOM_EVALUATION_INTERVAL_SECONDS = 60;
const STEP = SYMPTOM_EVALUATION_INTERVAL_SECONDS;
/** When the fault of every symptom scenario starts: after ten healthy minutes. */
export const FAULT_AT_SECONDS = 10 * STEP;
const FAULT_AT = FAULT_AT_SECONDS;
/** How far above or below an SLO's error budget the near-budget symptom scenarios run (10 %). */
const NEAR = 0.1;
/** A counter's or gauge's value before the fault; far from 0 so rate() extrapolates cleanly. */
const BASE = 1_000_000;
/**
 * The blip of the no-echo scenarios: 45 s of every request failing, the blip that made
 * `ApiHighErrorRate` fire about 270 s after it had ended in a real server (5 m window, 5 m hold).
 * It straddles a scrape, 22.5 s on either side, so it shows in two scrape intervals: the longest
 * a 45 s blip can stay in a window.
 */
export const BLIP_SECONDS = 45;
/** Requests per sample interval of the 429 scenarios; shares are multiples of its inverse. */
const REQUESTS_PER_STEP = 1000;

/**
 * The scenarios of the symptom alerts of `inputs.service`; `withPolicy` is the engine's alert
 * policy, so expected annotations match the rule file.
 */
export function symptomScenarios(inputs: SymptomInputs, withPolicy: (rule: AlertingRule) => AlertingRule): Scenario[] {
  const { platform, env } = inputs;
  const rules = symptomGroup(inputs).rules.filter(isAlertingRule).map(withPolicy);
  /** An SLI's inputs, with the ratios the symptoms record for themselves given directly too. */
  const reads = symptomReads(inputs);
  const sliInputs = (slo: Slo, tl: Timeline, step: number, until: number) =>
    sliSeries(
      slo,
      tl,
      step,
      until,
      reads.filter((r) => r.slo.id === slo.id).map((r) => r.window),
    );
  const ruleOf = (alert: string, reason?: string): AlertingRule => {
    const r = rules.find((x) => x.alert === alert && (reason === undefined || x.labels[REASON_LABEL] === reason));
    if (!r) throw new Error(`internal: no symptom rule ${alert} ${reason ?? ''}`);
    return r;
  };
  const pending = parseDuration(env.symptoms.forDuration);
  const job = { job: env.service.name };
  const primary = (env.gcp.regions.find((r) => r.primary) ?? env.gcp.regions[0]!).name;
  const replica = (env.gcp.regions.find((r) => !r.primary) ?? env.gcp.regions[0]!).name;
  /** Samples from 0 to `until`: `before` until the fault, then `after(k)` at the k-th sample of the fault. */
  const samples = (until: number, before: number, after: (k: number) => number) =>
    expandingNotation(Array.from({ length: until / STEP + 1 }, (_, i) => (i * STEP < FAULT_AT ? before : after(i - FAULT_AT / STEP))));
  const quiet = (alertname: string) => ({ atSeconds: FAULT_AT - STEP, alertname, alerts: [] });
  const one = (name: string, c: Omit<ScenarioCase, 'intervalSeconds'>): Scenario => ({ name, cases: [{ intervalSeconds: STEP, ...c }] });

  /** A whole-SLI failure of SLO-based symptoms: every event bad from the fault on. */
  const sloFault = (slos: readonly { slo: Slo; window: string; rule: AlertingRule }[]) => {
    const at = FAULT_AT + Math.max(...slos.map((s) => parseDuration(s.window))) + pending + STEP;
    const tl = timeline([FAULT_AT, 0], [Infinity, 1]);
    return {
      // Two symptoms may watch the same SLO (an environment can name one SLO twice): feed it once.
      inputs: [...new Map(slos.flatMap((s) => sliInputs(s.slo, tl, STEP, at + STEP)).map((i) => [i.series, i])).values()],
      asserts: [
        quiet(slos[0]!.rule.alert),
        {
          atSeconds: at,
          alertname: slos[0]!.rule.alert,
          alerts: slos.map((s) => expectedAlert(s.rule, sloSeriesLabels(s.slo), windowedAverage(tl, at, parseDuration(s.window)))),
        },
      ],
    };
  };

  /**
   * SLO-based symptoms at a steady error ratio a tenth above (they fire) or below (they stay quiet)
   * each SLO's error budget, so the scenarios pin the threshold itself, not just "a total failure
   * alerts".
   */
  const nearBudget = (slos: readonly { slo: Slo; window: string; rule: AlertingRule }[], above: boolean): ScenarioCase => {
    const at = FAULT_AT + Math.max(...slos.map((s) => parseDuration(s.window))) + pending + STEP;
    const cases = slos.map((s) => ({
      ...s,
      tl: timeline([FAULT_AT, 0], [Infinity, quantize(s.slo.errorBudget * (above ? 1 + NEAR : 1 - NEAR), above)]),
    }));
    return {
      intervalSeconds: STEP,
      inputs: [...new Map(cases.flatMap((c) => sliInputs(c.slo, c.tl, STEP, at + STEP)).map((i) => [i.series, i])).values()],
      asserts: [
        {
          atSeconds: at,
          alertname: slos[0]!.rule.alert,
          alerts: above
            ? cases.map((c) => expectedAlert(c.rule, sloSeriesLabels(c.slo), windowedAverage(c.tl, at, parseDuration(c.window))))
            : [],
        },
      ],
    };
  };
  const fastWindow = fastSymptomWindow(inputs);
  const errorRateSymptom = [{ slo: platform.errorRate, window: fastWindow, rule: ruleOf(SYMPTOM.errorRate) }];
  const latencySymptoms = rules
    .filter((r) => r.alert === SYMPTOM.latency)
    .map((rule, i) => {
      const slo = i === 0 ? platform.lightLatency : platform.webhookLatency;
      return { slo, window: fastWindow, rule };
    });

  const scenarios: Scenario[] = [
    {
      name: 'errors and slow requests a tenth above each SLO budget: ApiHighErrorRate and ApiLatencyHigh fire',
      cases: [nearBudget(errorRateSymptom, true), nearBudget(latencySymptoms, true)],
    },
    {
      name: 'errors and slow requests a tenth below each SLO budget: ApiHighErrorRate and ApiLatencyHigh stay quiet',
      cases: [nearBudget(errorRateSymptom, false), nearBudget(latencySymptoms, false)],
    },
    one(
      'health probes fail in every region: ApiAvailabilityLow pages',
      sloFault([{ slo: platform.availability, window: availabilityWindow(inputs), rule: ruleOf(SYMPTOM.availability) }]),
    ),
    one('every request fails with a server error: ApiHighErrorRate is critical', sloFault(errorRateSymptom)),
    one('light requests and webhook executions are all slow: ApiLatencyHigh warns for both', sloFault(latencySymptoms)),
    ...noEchoScenarios(inputs, {
      slo: [
        ...errorRateSymptom.map((x) => ({ ...x, labels: sloSeriesLabels(x.slo) })),
        ...latencySymptoms.map((x) => ({ ...x, labels: sloSeriesLabels(x.slo) })),
      ],
      rateLimited: { rule: ruleOf(SYMPTOM.rateLimited), labels: job },
      sliInputs,
    }),
  ];

  // Uptime probes are few: one failed round in every region must not page; a second one must.
  {
    const period = env.monitoring.uptimePeriodSeconds;
    const window = parseDuration(availabilityWindow(inputs));
    const slo = platform.availability;
    const rule = ruleOf(SYMPTOM.availability);
    // A full window of healthy probes first, so the window average is the failed share of one window.
    const start = Math.ceil(window / STEP) * STEP;
    const failedRounds = (n: number) => timeline([start, 0], [n * period, 1], [Infinity, 0]);
    const oneRound = failedRounds(1);
    const quietUntil = start + window;
    scenarios.push(
      one('one failed probe round in every region: ApiAvailabilityLow stays quiet', {
        inputs: sliInputs(slo, oneRound, STEP, quietUntil + STEP),
        asserts: [start + period, quietUntil].map((atSeconds) => ({ atSeconds, alertname: rule.alert, alerts: [] })),
      }),
    );
    const twoRounds = failedRounds(2);
    const fires = start + 2 * period;
    scenarios.push(
      one('two failed probe rounds in every region: ApiAvailabilityLow pages after the second', {
        inputs: sliInputs(slo, twoRounds, STEP, fires + STEP),
        asserts: [
          { atSeconds: start + period, alertname: rule.alert, alerts: [] },
          {
            atSeconds: fires,
            alertname: rule.alert,
            alerts: [expectedAlert(rule, sloSeriesLabels(slo), windowedAverage(twoRounds, fires, window))],
          },
        ],
      }),
    );
  }

  // 429 saturation: twice the alert's share of requests answered 429 (in thousandths) informs;
  // half of it stays quiet, which pins the configured share itself.
  for (const factor of [2, 0.5]) {
    const perStep = REQUESTS_PER_STEP;
    const limited = Math.max(1, Math.min(perStep - 1, Math.ceil(factor * env.symptoms.rateLimitedShare * perStep)));
    const at = FAULT_AT + fastSymptomWindowSeconds(inputs) + pending + STEP;
    const faultStart = FAULT_AT / STEP;
    const ok = (k: number) => BASE + Math.min(k, faultStart) * perStep + Math.max(0, k - faultStart) * (perStep - limited);
    const rule = ruleOf(SYMPTOM.rateLimited);
    const fires = limited / perStep > env.symptoms.rateLimitedShare;
    scenarios.push(
      one(`a share of ${limited / perStep} of requests is answered 429: ApiRateLimited ${fires ? 'informs' : 'stays quiet'}`, {
        inputs: [
          {
            series: seriesSelector(M.httpRequests, { ...job, code: RATE_LIMITED_CODE }),
            values: samples(at + STEP, BASE, (k) => BASE + k * limited),
          },
          {
            series: seriesSelector(M.httpRequests, { ...job, code: '200' }),
            values: expandingNotation(Array.from({ length: (at + STEP) / STEP + 1 }, (_, k) => ok(k))),
          },
        ],
        asserts: [
          quiet(rule.alert),
          { atSeconds: at, alertname: rule.alert, alerts: fires ? [expectedAlert(rule, job, limited / perStep)] : [] },
        ],
      }),
    );
  }

  // Dependencies: an instance in a region loses Redis or Postgres.
  const dependencyDown = (name: string, dependency: string, alert: string): Scenario => {
    const at = FAULT_AT + pending + STEP;
    const rule = ruleOf(alert);
    const up = (region: string, down: boolean): InputSeries => ({
      series: seriesSelector(M.dependencyUp, { ...job, dependency, region, instance: `${region}-1` }),
      values: samples(at + STEP, 1, () => (down ? 0 : 1)),
    });
    const others = env.gcp.regions.filter((r) => r.name !== primary).map((r) => up(r.name, false));
    return one(name, {
      inputs: [up(primary, true), ...others],
      asserts: [quiet(alert), { atSeconds: at, alertname: alert, alerts: [expectedAlert(rule, { region: primary }, 0)] }],
    });
  };
  scenarios.push(
    dependencyDown(
      'chaos: Redis unavailable in the primary region: RedisUnavailableOrExhausted is critical',
      DEPENDENCY.redis,
      SYMPTOM.redis,
    ),
  );
  scenarios.push(
    dependencyDown(
      'chaos: database unavailable in the primary region: PostgresUnavailableOrLagging pages',
      DEPENDENCY.postgres,
      SYMPTOM.postgres,
    ),
  );

  {
    const at = FAULT_AT + pending + STEP;
    const poolSize = 50;
    const labels = { ...job, region: primary, instance: `${primary}-1` };
    const rule = ruleOf(SYMPTOM.redis);
    scenarios.push(
      one('an instance uses every connection of its Redis pool: RedisUnavailableOrExhausted is critical, a pool of size 0 is not', {
        inputs: [
          { series: seriesSelector(M.redisPoolInUse, labels), values: samples(at + STEP, poolSize / 5, () => poolSize) },
          { series: seriesSelector(M.redisPoolMax, labels), values: samples(at + STEP, poolSize, () => poolSize) },
          // a second instance whose pool is not set up: 0 of 0 in use must not count as exhausted
          { series: seriesSelector(M.redisPoolInUse, { ...labels, instance: `${primary}-2` }), values: samples(at + STEP, 0, () => 0) },
          { series: seriesSelector(M.redisPoolMax, { ...labels, instance: `${primary}-2` }), values: samples(at + STEP, 0, () => 0) },
        ],
        asserts: [quiet(rule.alert), { atSeconds: at, alertname: rule.alert, alerts: [expectedAlert(rule, labels, poolSize)] }],
      }),
    );
  }
  {
    const at = FAULT_AT + pending + STEP;
    const lag = 2 * env.database.rpoSeconds;
    const rule = ruleOf(SYMPTOM.postgres);
    scenarios.push(
      one(`the replica in ${replica} lags ${lag} s, beyond the RPO: PostgresUnavailableOrLagging pages`, {
        inputs: [{ series: seriesSelector(M.replicationLag, { ...job, region: replica }), values: samples(at + STEP, 1, () => lag) }],
        asserts: [quiet(rule.alert), { atSeconds: at, alertname: rule.alert, alerts: [expectedAlert(rule, { region: replica }, lag)] }],
      }),
    );
  }

  // Restarts: `restartingInstances` instances get a new start time at once; one fewer must not alert.
  const restarts = (count: number): Omit<ScenarioCase, 'intervalSeconds'> => {
    const at = FAULT_AT + STEP;
    const rule = ruleOf(SYMPTOM.restarts);
    const instance = (i: number, restarts: boolean): InputSeries => ({
      series: seriesSelector(M.processStart, { ...job, region: primary, instance: `${primary}-${i}` }),
      values: samples(at + STEP, BASE, () => (restarts ? BASE + FAULT_AT : BASE)),
    });
    const n = env.symptoms.restartingInstances;
    return {
      inputs: Array.from({ length: n + 1 }, (_, i) => instance(i + 1, i < count)),
      asserts: [quiet(rule.alert), { atSeconds: at, alertname: rule.alert, alerts: count >= n ? [expectedAlert(rule, job, count)] : [] }],
    };
  };
  const n = env.symptoms.restartingInstances;
  scenarios.push(one(`chaos: ${n} instances restart at once: ApiInstancesRestarting warns`, restarts(n)));
  scenarios.push(one(`${n - 1} instances restarting at once stay below the alert`, restarts(n - 1)));

  {
    const rule = ruleOf(SYMPTOM.keyRotation, 'revoked-key-in-use');
    const at = FAULT_AT + 2 * STEP;
    scenarios.push(
      one('chaos: key rotation failure, a revoked key is still accepted: SigningKeyRotationFailed is critical', {
        inputs: [
          { series: seriesSelector(M.revokedKeyUses, { ...job, instance: `${primary}-1` }), values: samples(at + STEP, 0, (k) => 5 * k) },
        ],
        asserts: [quiet(rule.alert), { atSeconds: at, alertname: rule.alert, alerts: [expectedAlert(rule, job)] }],
      }),
    );
  }
  // A rotation that never completes, after an earlier one that did and with no rotation ever
  // completed (the completed gauge not exported at all): both must alert after the timeout.
  for (const everCompleted of [true, false]) {
    const rule = ruleOf(SYMPTOM.keyRotation, 'rotation-incomplete');
    const timeout = env.symptoms.keyRotationTimeoutSeconds;
    const at = FAULT_AT + Math.ceil(timeout / STEP) * STEP + 2 * STEP;
    const stillWaiting = FAULT_AT + Math.floor(timeout / STEP) * STEP - STEP;
    const instance = { ...job, instance: `${primary}-1` };
    const completed = { series: seriesSelector(M.keyRotationCompleted, instance), values: samples(at + STEP, 0, () => 0) };
    scenarios.push(
      one(
        everCompleted
          ? 'chaos: key rotation failure, a rotation never completes: SigningKeyRotationFailed is critical'
          : 'chaos: key rotation failure, the first rotation of a process never completes: SigningKeyRotationFailed is critical',
        {
          inputs: [
            { series: seriesSelector(M.keyRotationStarted, instance), values: samples(at + STEP, 0, () => FAULT_AT) },
            ...(everCompleted ? [completed] : []),
          ],
          asserts: [
            { atSeconds: stillWaiting, alertname: rule.alert, alerts: [] },
            { atSeconds: at, alertname: rule.alert, alerts: [expectedAlert(rule, job)] },
          ],
        },
      ),
    );
  }
  return scenarios;
}

/**
 * The outage of the no-echo scenarios: longer than the hold by two fast windows and a sample
 * interval, so every fast symptom fires during it and its window fills with the outage.
 */
export function noEchoOutageSeconds(inputs: SymptomInputs): number {
  return parseDuration(inputs.env.symptoms.forDuration) + 2 * fastSymptomWindowSeconds(inputs) + STEP;
}

/** A fast symptom alert of the no-echo scenarios, with the labels of the series it reads. */
interface FastSymptom {
  readonly rule: AlertingRule;
  readonly labels: Readonly<Record<string, string>>;
  /** The SLO whose SLI it reads; none for the 429 share, which reads raw request counters. */
  readonly slo?: Slo;
}

/** The per-sample-interval averages of `tl` up to `untilSeconds`: what counters scraped every STEP can show of it. */
function scraped(tl: Timeline, untilSeconds: number): Timeline {
  const n = Math.ceil(untilSeconds / STEP) + 1;
  return timeline(...Array.from({ length: n }, (_, k) => [STEP, windowedAverage(tl, (k + 1) * STEP, STEP)] as const));
}

/**
 * The no-echo scenarios of the fast symptoms (docs/alerting.md, "No echoes"), for the SLO-based
 * ones (server errors, latency) and, separately, the 429 share (its raw request counters would feed
 * the error-rate SLI's own recording rules, whose ratios the SLO scenarios give directly):
 * - a 45 s blip of every request failing fires nothing, asserted at every evaluation until its
 *   window and hold are long past;
 * - a fault as long as the hold fires after it ended (the echo the descriptions state) and
 *   resolves within the echo bound;
 * - an outage fires at the detection time `symptomTimings` (and `slo explain --env`) states and
 *   resolves at the reset time it states, each within one evaluation, and is asserted at every
 *   evaluation between.
 */
function noEchoScenarios(
  inputs: SymptomInputs,
  fast: {
    readonly slo: readonly (FastSymptom & { readonly slo: Slo })[];
    readonly rateLimited: FastSymptom;
    readonly sliInputs: (slo: Slo, tl: Timeline, step: number, until: number) => InputSeries[];
  },
): Scenario[] {
  const evaluation = symptomEvaluationIntervalSeconds(inputs);
  const window = fastSymptomWindowSeconds(inputs);
  const hold = parseDuration(inputs.env.symptoms.forDuration);
  const job = { job: inputs.env.service.name };
  const evaluations = (from: number, to: number) =>
    Array.from({ length: Math.floor((to - from) / evaluation) + 1 }, (_, i) => from + i * evaluation);
  const sampleAt = (t: number) => Math.floor(t / STEP) * STEP;

  /** Input series that make every symptom of `group` see `tl` (already per sample interval). */
  const seriesOf = (group: readonly FastSymptom[], tl: Timeline, until: number): InputSeries[] => {
    const slos = group.flatMap((f) => (f.slo ? [f.slo] : []));
    if (slos.length > 0)
      return [...new Map(slos.flatMap((slo) => fast.sliInputs(slo, tl, STEP, until)).map((i) => [i.series, i])).values()];
    const n = Math.ceil(until / STEP) + 1;
    const limited: number[] = [];
    const ok: number[] = [];
    for (let k = 0; k < n; k++) {
      const share = k === 0 ? 0 : Math.round(REQUESTS_PER_STEP * windowedAverage(tl, k * STEP, STEP));
      limited.push((limited[k - 1] ?? BASE) + share);
      ok.push((ok[k - 1] ?? BASE) + (k === 0 ? 0 : REQUESTS_PER_STEP - share));
    }
    return [
      { series: seriesSelector(M.httpRequests, { ...job, code: RATE_LIMITED_CODE }), values: expandingNotation(limited) },
      { series: seriesSelector(M.httpRequests, { ...job, code: '200' }), values: expandingNotation(ok) },
    ];
  };

  /**
   * Whether `t` of `timing`'s alert fires under a full fault from FAULT_AT lasting `faultSeconds`,
   * by the stated times: the condition holds from the first sample after its onset (detection
   * less the hold) until the first sample at or after its reset (reset less keep_firing_for),
   * and the alert fires once it has held for the hold.
   */
  const firingAt = (timing: SymptomTiming, faultSeconds: number, t: number): boolean => {
    const onset = FAULT_AT + timing.detection.healthySeconds! - timing.forSeconds;
    const pendingSince = (Math.floor(onset / STEP) + 1) * STEP;
    const clears = FAULT_AT + faultSeconds + timing.branches[0]!.resetAfterOutageSeconds!;
    return sampleAt(t) >= pendingSince && t >= pendingSince + timing.forSeconds && sampleAt(t) < clears;
  };

  const scenarios: Scenario[] = [];
  for (const [what, group] of [
    ['server errors and slow requests', fast.slo],
    ['429s', [fast.rateLimited]],
  ] as const) {
    const alertnames = [...new Set(group.map((f) => f.rule.alert))];
    const quiet = (at: number) => alertnames.map((alertname) => ({ atSeconds: at, alertname, alerts: [] }));
    const one = (name: string, c: Omit<ScenarioCase, 'intervalSeconds'>): Scenario => ({ name, cases: [{ intervalSeconds: STEP, ...c }] });

    // A blip: quiet at every evaluation, from before it until its window and hold are long past.
    const blipStart = FAULT_AT - BLIP_SECONDS / 2;
    const blipUntil = FAULT_AT + BLIP_SECONDS + window + hold + 2 * STEP;
    const blip = scraped(timeline([blipStart, 0], [BLIP_SECONDS, 1], [Infinity, 0]), blipUntil);
    scenarios.push(
      one(`no echoes: a ${BLIP_SECONDS} s blip of ${what} fires no fast symptom, then or later`, {
        inputs: seriesOf(group, blip, blipUntil + STEP),
        asserts: evaluations(FAULT_AT - STEP, blipUntil).flatMap(quiet),
      }),
    );

    // A fault as long as the hold, then one well past it: every evaluation asserted by the stated times.
    for (const [label, faultSeconds] of [
      ['a fault as long as the hold may fire after it ended, within the echo bound, and resolves', hold],
      ['an outage fires at the detection time slo explain states and resolves at its reset time', noEchoOutageSeconds(inputs)],
    ] as const) {
      const timings = symptomTimings(inputs, { backgroundErrorRatio: () => 0, outageSeconds: faultSeconds });
      const stated = group.map((f) => {
        const timing = timings.find((t) => t.alert === f.rule.alert && t.labels[REASON_LABEL] === f.rule.labels[REASON_LABEL])!;
        return { ...f, timing };
      });
      const tl = timeline([FAULT_AT, 0], [faultSeconds, 1], [Infinity, 0]);
      const until = FAULT_AT + faultSeconds + Math.max(window, ...stated.map((s) => s.timing.echoSeconds)) + 2 * STEP;
      scenarios.push(
        one(`no echoes: ${label} (${what})`, {
          inputs: seriesOf(group, tl, until + STEP),
          asserts: evaluations(FAULT_AT - STEP, until).flatMap((at) =>
            alertnames.map((alertname) => ({
              atSeconds: at,
              alertname,
              alerts: stated
                .filter((s) => s.rule.alert === alertname && firingAt(s.timing, faultSeconds, at))
                .map((s) => expectedAlert(s.rule, s.labels, windowedAverage(tl, sampleAt(at), window))),
            })),
          ),
        }),
      );
    }
  }
  return scenarios;
}
