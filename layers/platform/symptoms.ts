/**
 * The platform's symptom alerts (targets.md §2): eight alerts across the four severities, each
 * catching one documented failure mode. Thresholds come from the platform SLOs (resolved once
 * when the environment is loaded) and the environment config, never from literals.
 */
import type { AlertingRule, AlertRouting, RecordingRule, RuleGroup } from '../../alerts/prometheus/rules';
import { recordedErrorRatioExpr, recordedRatio, recordedWindows, sloSeriesLabels } from '../../alerts/prometheus/sli-rules';
import type { PlatformSlos } from '../../environments/platform-slos';
import type { EnvironmentConfig } from '../../environments/schema';
import { roundSignificant, WORKBOOK_WINDOWS } from '../../slos/burn-rate';
import { errorRatioRecord, goldenSignalsUid, LABEL } from '../../slos/conventions';
import { formatDuration, parseDuration } from '../../slos/duration';
import { evaluationIntervalSeconds, type LatencySlo, type Slo } from '../../slos/model';
import type { Severity } from '../../slos/schema';
import { apiScrapeIntervalSeconds, uptimeProbeIntervalSeconds } from './metrics-contract';
import { DEPENDENCY, PLATFORM_METRICS as M, RATE_LIMITED_CODE } from './platform-metrics';

/** Names of the eight symptom alerts. */
export const SYMPTOM = Object.freeze({
  availability: 'ApiAvailabilityLow',
  errorRate: 'ApiHighErrorRate',
  latency: 'ApiLatencyHigh',
  rateLimited: 'ApiRateLimited',
  redis: 'RedisUnavailableOrExhausted',
  postgres: 'PostgresUnavailableOrLagging',
  restarts: 'ApiInstancesRestarting',
  keyRotation: 'SigningKeyRotationFailed',
});

/** Severity of each symptom alert: two page, three critical, two warning, one info. */
export const SYMPTOM_SEVERITY: Readonly<Record<keyof typeof SYMPTOM, Severity>> = Object.freeze({
  availability: 'page',
  postgres: 'page',
  errorRate: 'critical',
  redis: 'critical',
  keyRotation: 'critical',
  latency: 'warning',
  restarts: 'warning',
  rateLimited: 'info',
});

/** Label that tells the two rules of one symptom alert apart (`ApiLatencyHigh`, `SigningKeyRotationFailed`). */
export const REASON_LABEL = 'reason';

/** Everything the symptom rules are derived from. */
export interface SymptomInputs {
  readonly platform: PlatformSlos;
  readonly env: EnvironmentConfig;
  /** Service whose rule file holds the symptom group: the service of the error-rate SLO. */
  readonly service: string;
}

/** Rule group of a service's symptom alerts. */
export function symptomGroupName(service: string): string {
  return `symptoms-${service}`;
}

/** The inputs of the symptom alerts: the resolved platform SLOs and the environment. */
export function symptomInputs(platform: PlatformSlos, env: EnvironmentConfig): SymptomInputs {
  return { platform, env, service: platform.errorRate.service };
}

/**
 * Seconds between two evaluations of the symptom group: the `interval` every group of its rule
 * file states, the evaluation interval of the platform service's spec file (the service of the
 * error-rate SLO).
 */
export function symptomEvaluationIntervalSeconds(inputs: SymptomInputs): number {
  return evaluationIntervalSeconds(inputs.platform.errorRate);
}

/**
 * The window of the fast symptoms (server errors, latency, 429s), in seconds: one evaluation
 * interval, but at least two scrapes of the API's metrics (`rate()` needs two samples in its
 * window); 2 m with the generated 1 m scrape. An alert on a ratio over a window can fire only while
 * the window still holds enough of the fault, so it can fire at most this long after the fault
 * ended, however long its hold (`for`): a 5 m window with a 5 m hold fired about 270 s after a 45 s
 * blip had ended, the blip having made it pending (docs/alerting.md, "No echoes"). No rate over
 * counters sees a fault's end sooner: the scrape interval that straddles the end still carries
 * its errors until the scrape after it (an `irate` condition clears no earlier).
 */
export function fastSymptomWindowSeconds(inputs: SymptomInputs): number {
  return Math.max(symptomEvaluationIntervalSeconds(inputs), 2 * apiScrapeIntervalSeconds());
}

/** {@link fastSymptomWindowSeconds} as a Prometheus duration: the range the fast symptoms read. */
export function fastSymptomWindow(inputs: SymptomInputs): string {
  return formatDuration(fastSymptomWindowSeconds(inputs));
}

/**
 * What a fast symptom's description adds when its window is longer than one evaluation: how long
 * after a fault ends it may still fire, and why. Empty when the window is one evaluation (then it
 * cannot fire more than one evaluation after the fault).
 */
export function fastSymptomEchoNote(inputs: SymptomInputs): string {
  const window = fastSymptomWindowSeconds(inputs);
  if (window <= symptomEvaluationIntervalSeconds(inputs)) return '';
  const hold = parseDuration(inputs.env.symptoms.forDuration);
  const w = formatDuration(window);
  const faults = hold > window ? `a fault of ${formatDuration(hold - window)} to ${formatDuration(hold)}` : 'a fault';
  return (
    ` It reads the last ${w} (rate() needs two scrapes ${formatDuration(apiScrapeIntervalSeconds())} apart), so it may still fire up to ${w} ` +
    `after ${faults} ended${hold > window ? '; a shorter fault never fires it' : ''}.`
  );
}

/**
 * The windows a symptom alert may read, shortest first: every long and short window of the
 * Workbook's table, whether the SLO enables that alert or not. A symptom's window depends on what
 * it must see (four probe rounds, or just the latest minutes), never on which burn-rate alerts an
 * SLO turns on: an SLO whose page is disabled (the availability SLO, whose probes are too few to
 * page on burn rate) keeps the same symptom window and threshold.
 */
const SYMPTOM_WINDOWS: readonly number[] = [...new Set(WORKBOOK_WINDOWS.flatMap((w) => [w.shortWindowSeconds, w.longWindowSeconds]))].sort(
  (a, b) => a - b,
);

/**
 * The window a symptom alert reads for an SLO: the shortest window of the Workbook's table of at
 * least `minSeconds` (the SLO window when none is that long). When the SLO's own SLI group does not
 * record it, the symptom group does (`symptomRecordings`).
 */
export function symptomWindow(slo: Slo, minSeconds: number): string {
  const seconds = SYMPTOM_WINDOWS.find((w) => w >= minSeconds);
  return seconds === undefined ? slo.window : formatDuration(seconds);
}

/**
 * Probe rounds the availability window must hold at least. With four or more, two failed rounds
 * stay above `availabilityThreshold` even when the range selector holds one extra round (Prometheus
 * 2 ranges are closed at both ends): 2 / (n + 1) > 1.5 / n for n > 3.
 */
export const AVAILABILITY_MIN_ROUNDS = 4;

/** The window the availability symptom reads: the shortest one holding four uptime-probe rounds. */
export function availabilityWindow(inputs: SymptomInputs): string {
  return symptomWindow(inputs.platform.availability, AVAILABILITY_MIN_ROUNDS * uptimeProbeIntervalSeconds(inputs.env));
}

/**
 * The failed-probe share above which the availability symptom pages: one and a half probe rounds'
 * worth of the window (never below the SLO's error budget).
 *
 * Uptime probes are few (one per checker region every `uptimePeriodSeconds`, the probe interval
 * of the metrics contract), so the SLO budget is
 * no threshold for them: at 5-minute rounds from three regions a single failed probe is 1/18 of
 * a 30 m window, fifty times a 0.1 % budget, and would page for the whole window. A whole failed
 * round is at most `period / window` of the probes in the window; a real outage fails two rounds
 * within one period more, a blip never more than one. The half round of margin keeps window
 * alignment and float rounding away from the boundary.
 */
export function availabilityThreshold(inputs: SymptomInputs): number {
  const window = parseDuration(availabilityWindow(inputs));
  const oneRound = uptimeProbeIntervalSeconds(inputs.env) / window;
  return roundSignificant(Math.max(inputs.platform.availability.errorBudget, 1.5 * oneRound));
}

/** The SLO and window of each SLO-based symptom alert, availability first. */
export function symptomReads(inputs: SymptomInputs): { readonly slo: Slo; readonly window: string }[] {
  const { platform } = inputs;
  return [
    { slo: platform.availability, window: availabilityWindow(inputs) },
    ...[platform.errorRate, platform.lightLatency, platform.webhookLatency].map((slo) => ({ slo, window: fastSymptomWindow(inputs) })),
  ];
}

/**
 * The error ratios the symptom alerts read that the SLOs' own SLI groups do not record (those
 * record only the windows of the alerts an SLO enables), once each. Recorded under the same name
 * and labels as an SLI group would, so a symptom reads every ratio the same way; never twice,
 * since two rules writing one series would clash.
 */
export function symptomRecordings(inputs: SymptomInputs): RecordingRule[] {
  const missing = new Map<string, RecordingRule>();
  for (const { slo, window } of symptomReads(inputs)) {
    if (recordedWindows(slo).includes(window)) continue;
    missing.set(`${slo.id} ${window}`, {
      record: errorRatioRecord(window),
      expr: recordedErrorRatioExpr(slo, window),
      labels: sloSeriesLabels(slo),
    });
  }
  return [...missing.values()];
}

/**
 * The symptom group of the platform service: the ratios only the symptoms read first (rules of a
 * group run in order, so each alert sees the ratio of the same evaluation), then the alerts.
 */
export function symptomGroup(inputs: SymptomInputs): RuleGroup {
  const { platform, env, service } = inputs;
  const job = `job="${env.service.name}"`;
  const s = env.symptoms;
  const routing = (alert: string): AlertRouting => ({
    team: platform.errorRate.team,
    runbookPath: `symptoms.md#${alert.toLowerCase()}`,
    dashboardUid: goldenSignalsUid(service),
  });
  const rule = (
    key: keyof typeof SYMPTOM,
    r: Omit<AlertingRule, 'alert' | 'routing' | 'labels'> & { labels?: Record<string, string> },
  ) => ({
    alert: SYMPTOM[key],
    expr: r.expr,
    ...(r.for ? { for: r.for } : {}),
    labels: { ...r.labels, [LABEL.severity]: SYMPTOM_SEVERITY[key] },
    annotations: r.annotations,
    routing: routing(SYMPTOM[key]),
  });
  const overBudget = (slo: Slo, window: string) => `${recordedRatio(slo, window)} > ${slo.errorBudget}`;
  const errWindow = fastSymptomWindow(inputs);
  const echo = fastSymptomEchoNote(inputs);
  const availWindow = availabilityWindow(inputs);
  const availThreshold = availabilityThreshold(inputs);
  const rounds = parseDuration(availWindow) / uptimeProbeIntervalSeconds(env);
  const latency = (slo: LatencySlo, what: string) =>
    rule('latency', {
      expr: overBudget(slo, errWindow),
      for: s.forDuration,
      labels: { [REASON_LABEL]: slo.name },
      annotations: {
        summary: `${what} are slower than their objective.`,
        description:
          `{{ printf "%.4f" $value }} of ${what.toLowerCase()} of {{ $labels.service }} took longer than ` +
          `${slo.sli.thresholdSeconds} s over the last ${errWindow}; the ${slo.objectivePercent} % objective allows ${slo.errorBudget}.${echo}`,
      },
    });
  const started = `max by (job) (${M.keyRotationStarted}{${job}})`;
  const completed = `max by (job) (${M.keyRotationCompleted}{${job}})`;
  const rules: AlertingRule[] = [
    // No `for`: the threshold already needs more than one failed probe round, and a pending
    // period would only delay the page by as much again.
    rule('availability', {
      expr: `${recordedRatio(platform.availability, availWindow)} > ${availThreshold}`,
      annotations: {
        summary: 'The public API fails its health probes.',
        description:
          `{{ printf "%.4f" $value }} of the health probes of {{ $labels.service }} failed over the last ${availWindow}: ` +
          `more than one and a half of its ${rounds} probe rounds (alert above ${availThreshold}).`,
      },
    }),
    rule('errorRate', {
      expr: overBudget(platform.errorRate, errWindow),
      for: s.forDuration,
      annotations: {
        summary: 'The API answers too many requests with a server error.',
        description:
          `{{ printf "%.4f" $value }} of the requests to {{ $labels.service }} failed with a 5xx over the last ${errWindow}; ` +
          `the ${platform.errorRate.objectivePercent} % objective allows ${platform.errorRate.errorBudget}.${echo}`,
      },
    }),
    latency(platform.lightLatency, 'Light API requests'),
    latency(platform.webhookLatency, 'Webhook executions'),
    rule('rateLimited', {
      expr:
        `sum by (job) (rate(${M.httpRequests}{${job}, code="${RATE_LIMITED_CODE}"}[${errWindow}]))\n/\n` +
        `sum by (job) (rate(${M.httpRequests}{${job}}[${errWindow}]))\n> ${s.rateLimitedShare}`,
      for: s.forDuration,
      annotations: {
        summary: 'Many API requests are rejected by rate limits or an overloaded Redis pool.',
        description:
          `{{ printf "%.3f" $value }} of the requests to {{ $labels.job }} were answered ${RATE_LIMITED_CODE} over the last ${errWindow} ` +
          `(alert above ${s.rateLimitedShare}).${echo}`,
      },
    }),
    rule('redis', {
      expr:
        `max by (region) (${M.dependencyUp}{${job}, dependency="${DEPENDENCY.redis}"}) == 0\nor\n` +
        // A pool of size 0 (not set up yet, or scaled down to nothing) is not an exhausted one.
        `(${M.redisPoolInUse}{${job}} >= ${M.redisPoolMax}{${job}} and ${M.redisPoolMax}{${job}} > 0)`,
      for: s.forDuration,
      annotations: {
        summary: 'Redis is unreachable or a Redis connection pool is exhausted.',
        description:
          `In {{ $labels.region }} no API instance reaches Redis (the rate limiter fails open), or an instance uses every ` +
          `connection of its Redis pool (requests get ${RATE_LIMITED_CODE}).`,
      },
    }),
    rule('postgres', {
      expr:
        `max by (region) (${M.dependencyUp}{${job}, dependency="${DEPENDENCY.postgres}"}) == 0\nor\n` +
        `max by (region) (${M.replicationLag}{${job}}) > ${env.database.rpoSeconds}`,
      for: s.forDuration,
      annotations: {
        summary: 'The database is unreachable or a replica lags beyond the recovery point objective.',
        description:
          `In {{ $labels.region }} no API instance reaches Postgres, or the replica there is more than ` +
          `${env.database.rpoSeconds} s (the RPO) behind the primary.`,
      },
    }),
    rule('restarts', {
      expr: `count by (job) (changes(${M.processStart}{${job}}[${s.restartWindow}]) > 0) >= ${s.restartingInstances}`,
      annotations: {
        summary: 'Several API instances restarted at once.',
        description: `{{ $value }} instances of {{ $labels.job }} restarted within ${s.restartWindow} (alert at ${s.restartingInstances}).`,
      },
    }),
    rule('keyRotation', {
      expr: `sum by (job) (increase(${M.revokedKeyUses}{${job}}[${s.rateWindow}])) > 0`,
      labels: { [REASON_LABEL]: 'revoked-key-in-use' },
      annotations: {
        summary: 'A revoked signing key is still accepted.',
        description: `{{ $labels.job }} accepted tokens signed with a revoked key within the last ${s.rateWindow}.`,
      },
    }),
    // A process that has never completed a rotation may not export the completed gauge at all:
    // compare with 0 then, or the very first rotation could hang without an alert.
    rule('keyRotation', {
      expr: `${started} > (${completed} or ${started} * 0)\nand\ntime() - ${started} > ${s.keyRotationTimeoutSeconds}`,
      labels: { [REASON_LABEL]: 'rotation-incomplete' },
      annotations: {
        summary: 'A signing-key rotation did not complete.',
        description: `The last signing-key rotation of {{ $labels.job }} started more than ${s.keyRotationTimeoutSeconds} s ago and has not completed.`,
      },
    }),
  ];
  return { name: symptomGroupName(service), rules: [...symptomRecordings(inputs), ...rules] };
}
