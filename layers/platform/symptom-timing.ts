/**
 * When each symptom alert fires and resolves, and how long after a fault it may still start
 * firing (its echo bound), for `slo explain --env`, the promtool scenarios and the end-to-end run.
 * A symptom that compares an error ratio over a window with a threshold is timed by the SLO alerts'
 * own arithmetic (slos/alert-timing.ts); the others in their own terms (probe rounds, a gauge held
 * for `for`, an event counted over a window), each saying what its "outage" is.
 *
 * Every time is the model's, as in slos/alert-timing.ts: seconds after the fault starts (or ends)
 * as the samples show it. A server sees a change at the next scrape and acts at the next
 * evaluation after that.
 */
import { alertTiming, branchResetSeconds, type Branch } from '../../slos/alert-timing';
import { roundSignificant } from '../../slos/burn-rate';
import { formatDuration, parseDuration } from '../../slos/duration';
import type { Slo } from '../../slos/model';
import type { LayerAlertTiming, LayerTimingOptions } from '../layer';
import { apiScrapeIntervalSeconds, uptimeProbeIntervalSeconds } from './metrics-contract';
import {
  availabilityThreshold,
  availabilityWindow,
  fastSymptomWindowSeconds,
  REASON_LABEL,
  SYMPTOM,
  SYMPTOM_SEVERITY,
  symptomEvaluationIntervalSeconds,
  type SymptomInputs,
} from './symptoms';

/**
 * One symptom alert, timed: the fields of every timed alert (detection, reset, hold), the window
 * its condition reads and its echo bound.
 */
export type SymptomTiming = LayerAlertTiming;

/** The fewest failed probe rounds in the availability window that page. */
export function availabilityRoundsToPage(inputs: SymptomInputs): number {
  const rounds = parseDuration(availabilityWindow(inputs)) / uptimeProbeIntervalSeconds(inputs.env);
  // A window of n rounds holds n or n + 1 probes per checker region (Prometheus 2 ranges are
  // closed at both ends): k failed rounds page when even k / (n + 1) is above the threshold.
  return Math.floor(availabilityThreshold(inputs) * (rounds + 1)) + 1;
}

/**
 * The echo bound of an alert on a ratio over a window: how long after a full fault ends it may
 * still start firing. With no hold it fires while the fault is in the window's newest samples,
 * never after; with a hold, it fires late when the hold completes after the fault ended, at most
 * until the window no longer holds enough of the fault (the condition's reset) and at most its
 * own detection time after the fault's start.
 */
export function ratioEchoSeconds(branch: Branch, forSeconds: number): number {
  if (forSeconds <= 0) return 0;
  const clears = branchResetSeconds(branch, Infinity, 0);
  const detection = alertTiming(
    [branch],
    { evaluationIntervalSeconds: 0, forSeconds, keepFiringForSeconds: 0 },
    {
      backgroundErrorRatio: 0,
      outageSeconds: Infinity,
    },
  ).detection.healthySeconds;
  return roundSignificant(Math.min(clears ?? 0, detection ?? Infinity));
}

/**
 * Every symptom alert of the platform layer, timed, in rule-file order: detection after a fault
 * starts (hold included), reset after it ends, the window read and the echo bound. The times the
 * promtool scenarios assert and `slo explain --env` prints.
 */
export function symptomTimings(inputs: SymptomInputs, o: LayerTimingOptions): SymptomTiming[] {
  const { platform, env } = inputs;
  const evaluationIntervalSeconds = symptomEvaluationIntervalSeconds(inputs);
  const hold = parseDuration(env.symptoms.forDuration);
  const fast = fastSymptomWindowSeconds(inputs);
  const base = (key: keyof typeof SYMPTOM, labels: Record<string, string>) => ({
    alert: SYMPTOM[key],
    kind: 'symptom' as const,
    severity: SYMPTOM_SEVERITY[key],
    labels,
    evaluationIntervalSeconds,
    keepFiringForSeconds: 0,
  });

  /** A fast symptom: the ratio over the fast window above `threshold`, held for `for`. */
  const ratio = (key: keyof typeof SYMPTOM, slo: Slo | undefined, threshold: number, labels: Record<string, string>, note: string) => {
    const rule = { evaluationIntervalSeconds, forSeconds: hold, keepFiringForSeconds: 0 };
    const branch: Branch = { name: formatDuration(fast), windows: [{ windowSeconds: fast, errorRatioThreshold: threshold }] };
    const background = slo ? o.backgroundErrorRatio(slo.errorBudget) : 0;
    return {
      ...base(key, labels),
      forSeconds: hold,
      ...alertTiming([branch], rule, { backgroundErrorRatio: background, outageSeconds: o.outageSeconds }),
      slo: slo?.id ?? null,
      windowSeconds: fast,
      echoSeconds: ratioEchoSeconds(branch, hold),
      note,
    };
  };

  /**
   * A condition that starts holding `holdsAfter` seconds into the fault, is held for `forSeconds`
   * and clears `clearsAfter` seconds after the fault ends (a gauge at once, an event once it leaves
   * the window). It holds only while the fault shows in the newest samples, so it never fires after
   * the fault ended: its echo bound is 0.
   */
  const condition = (
    key: keyof typeof SYMPTOM,
    t: {
      readonly holdsAfter: number;
      readonly forSeconds: number;
      readonly clearsAfter: number;
      readonly windowSeconds: number | null;
      readonly slo?: Slo;
      readonly note: string;
    },
    labels: Record<string, string> = {},
  ): SymptomTiming => {
    const fires = roundSignificant(t.holdsAfter + t.forSeconds);
    const fired = o.outageSeconds > fires;
    const name = t.windowSeconds === null ? 'condition' : formatDuration(t.windowSeconds);
    return {
      ...base(key, labels),
      forSeconds: t.forSeconds,
      branches: [
        {
          branch: name,
          detectionHealthySeconds: t.holdsAfter,
          detectionAtBackgroundSeconds: t.holdsAfter,
          resetAfterOutageSeconds: fired ? t.clearsAfter : null,
        },
      ],
      detection: { healthySeconds: fires, governingBranch: name, atBackgroundSeconds: fires, governingBranchAtBackground: name },
      reset: fired ? { afterOutageSeconds: t.clearsAfter, governingBranch: name } : { afterOutageSeconds: null, governingBranch: null },
      slo: t.slo?.id ?? null,
      windowSeconds: t.windowSeconds,
      echoSeconds: 0,
      note: t.note,
    };
  };

  const period = uptimeProbeIntervalSeconds(env);
  const availWindow = availabilityWindow(inputs);
  const k = availabilityRoundsToPage(inputs);
  const scrape = formatDuration(apiScrapeIntervalSeconds());
  const latencyNote = (slo: Slo) =>
    `the fault here is every request of ${slo.id} slower than its threshold; it reads the last ${formatDuration(fast)}`;
  return [
    condition('availability', {
      holdsAfter: k * period,
      forSeconds: 0,
      clearsAfter: parseDuration(availWindow) - (k - 1) * period,
      windowSeconds: parseDuration(availWindow),
      slo: platform.availability,
      note:
        `the fault here is every health probe failing; it pages once ${k} failed probe rounds are in its ${availWindow} window ` +
        `and resolves when ${k - 1} remain, each up to one probe round (${formatDuration(period)}) sooner than stated, as the rounds fall`,
    }),
    ratio(
      'errorRate',
      platform.errorRate,
      platform.errorRate.errorBudget,
      {},
      `the fault here is every request failing with a 5xx; it reads the last ${formatDuration(fast)}`,
    ),
    ratio(
      'latency',
      platform.lightLatency,
      platform.lightLatency.errorBudget,
      { [REASON_LABEL]: platform.lightLatency.name },
      latencyNote(platform.lightLatency),
    ),
    ratio(
      'latency',
      platform.webhookLatency,
      platform.webhookLatency.errorBudget,
      { [REASON_LABEL]: platform.webhookLatency.name },
      latencyNote(platform.webhookLatency),
    ),
    ratio(
      'rateLimited',
      undefined,
      env.symptoms.rateLimitedShare,
      {},
      `the fault here is every request answered 429 (no background of 429s is assumed); it reads the last ${formatDuration(fast)}`,
    ),
    condition('redis', {
      holdsAfter: 0,
      forSeconds: hold,
      clearsAfter: 0,
      windowSeconds: null,
      note: `the fault here is no instance of a region reaching Redis (or a pool in full use), seen at the next scrape (every ${scrape})`,
    }),
    condition('postgres', {
      holdsAfter: 0,
      forSeconds: hold,
      clearsAfter: 0,
      windowSeconds: null,
      note: `the fault here is no instance of a region reaching Postgres (or a replica beyond the RPO), seen at the next scrape (every ${scrape})`,
    }),
    condition('restarts', {
      holdsAfter: 0,
      forSeconds: 0,
      clearsAfter: parseDuration(env.symptoms.restartWindow),
      windowSeconds: parseDuration(env.symptoms.restartWindow),
      note: `the fault here is the restarts themselves; it resolves once they are ${env.symptoms.restartWindow} old`,
    }),
    condition(
      'keyRotation',
      {
        holdsAfter: 0,
        forSeconds: 0,
        clearsAfter: parseDuration(env.symptoms.rateWindow),
        windowSeconds: parseDuration(env.symptoms.rateWindow),
        note: `the fault here is revoked keys being accepted; it resolves ${env.symptoms.rateWindow} after the last one`,
      },
      { [REASON_LABEL]: 'revoked-key-in-use' },
    ),
    condition(
      'keyRotation',
      {
        holdsAfter: env.symptoms.keyRotationTimeoutSeconds,
        forSeconds: 0,
        clearsAfter: 0,
        windowSeconds: null,
        note: 'the fault here is a rotation that does not complete; it fires once the rotation is older than the timeout and resolves when it completes',
      },
      { [REASON_LABEL]: 'rotation-incomplete' },
    ),
  ];
}
