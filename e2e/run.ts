/**
 * `npm run e2e [-- --keep]`: the generated Prometheus path, end to end, on real servers.
 *
 * `slo generate --env example` writes the rules, prometheus.yml and alertmanager.yml; each
 * scenario ("world") runs them in its own Prometheus and Alertmanager on 127.0.0.1, scraping a
 * synthetic exporter of the platform's metrics and a blackbox exporter, with backfilled history,
 * and every receiver redirected to one webhook sink. Each scenario asserts which alert reaches
 * which receiver and when; every expected time comes from the code (`explainSlo`, the symptom
 * functions, the environment and the generated configs), never from a literal here.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { loadCatalog } from '../slos/load';
import { isLatencySlo } from '../slos/model';
import { loadEnvironmentOrThrow } from '../environments/load';
import { platformSlos } from '../environments/platform-slos';
import { explainSlo, timingOptions } from '../bin/commands/explain';
import { DEFAULT_BACKGROUND_BURN_RATE } from '../slos/alert-timing';
import { expectedReceiver, serverInputs } from '../alerts/servers';
import { noDataAlertName } from '../slos/conventions';
import {
  availabilityThreshold,
  availabilityWindow,
  REASON_LABEL,
  SYMPTOM,
  SYMPTOM_SEVERITY,
  symptomInputs,
  fastSymptomWindowSeconds,
} from '../layers/platform/symptoms';
import { symptomTimings } from '../layers/platform/symptom-timing';
import {
  backfill,
  cleanup,
  findTools,
  installCleanupHandlers,
  keepTemporaryDirectories,
  makeTempDir,
  sleep,
  startBlackboxExporter,
  startWebhookSink,
  type PrometheusAlert,
} from './harness';
import { GeneratedConfig, generate } from './private/config';
import { importRecordings, rangeReadRecordings } from './private/records';
import {
  alertStatesByPath,
  CLOUD_MONITORING,
  compareAlertStates,
  definedBy,
  managedGroups,
  synthMonitoringStack,
  withOneFactorChanged,
  type StateDifference,
} from './private/managed';
import type { InstanceState } from './private/exporter';
import { World, type WorldInputs } from './private/world';
import { prometheusDurationSeconds as seconds } from '../slos/duration';

const REPO = resolve(__dirname, '..');
const ENV = 'example';
/** Alertmanager's defaults when the route sets none (https://prometheus.io/docs/alerting/latest/configuration/#route). */
const ALERTMANAGER_DEFAULTS = { groupWait: '30s', groupInterval: '5m' };
/** History the long windows read: a week (the 28- and 30-day SLO windows see one week of it). */
const HISTORY_MS = 7 * 86400_000;
/** The last part of the history is sampled at each job's scrape interval; before it, every `OLD_STEP`. */
const RECENT_MS = 2 * 3600_000;
const OLD_STEP_MS = 5 * 60_000;
/** Imported records start this long after the history, once a 5-minute rate has samples to read. */
const RATE_LEAD_MS = 5 * 60_000;
/**
 * From the generation to T0, the planned start of the servers: the history and its records are
 * written meanwhile (about 30 s on a quiet 2-core machine; a start later than T0 + LEAD_S / 2
 * fails the run, as the faults placed in the history would be past).
 */
const SETUP_MS = 60_000;
/** How often the run reads each Prometheus' alerts. */
const POLL_MS = 2000;
/** Time a notification may take from Alertmanager's flush to the sink, and a poll's granularity. */
const DELIVERY_SLACK_S = 5;
/** A long outage, as measured in issue 14 (its governing reset is the 6h/30m branch's). */
const LONG_OUTAGE_S = 50 * 60;
/** A short blip of errors, as measured in issue 14. */
const BLIP_S = 45;
/** The `evaluated_by` of the outage world's third path, the Cloud Monitoring conditions with one factor changed. */
const MUTANT = 'cloud-monitoring-one-factor-changed';
/** How much that factor changes. */
const MUTANT_FACTOR = 1.5;
/** Seconds after the servers start at which faults placed in the history reach their threshold. */
const LEAD_S = 60;
/**
 * Seconds after the servers start at which the long outage's page resolves: long enough that the
 * page is seen firing first (the group's first evaluation comes up to one interval after the
 * start, and the reset may come one evaluation before its computed time).
 */
const LONG_OUTAGE_LEAD_S = 150;

/** One row of the result table. */
interface Row {
  readonly scenario: string;
  readonly check: string;
  readonly expected: string;
  readonly measured: string;
  readonly ok: boolean;
}

const rows: Row[] = [];
function check(scenario: string, what: string, expected: string, measured: string, ok: boolean): void {
  rows.push({ scenario, check: what, expected, measured, ok });
}
const fmt = (s: number | undefined) => (s === undefined ? 'never' : `${s.toFixed(1)}s`);
const fmtSigned = (s: number) => `${s >= 0 ? '+' : '-'}${Math.abs(s).toFixed(0)}s`;

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  installCleanupHandlers();
  keepTemporaryDirectories(keep);
  const started = Date.now();
  const tools = findTools(['prometheus', 'promtool', 'alertmanager', 'blackbox']);

  // --- what the code says --------------------------------------------------------------------
  const { catalog, problems } = loadCatalog({ slosDir: join(REPO, 'slos') });
  if (!catalog) throw new Error(`invalid specs:\n${problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n')}`);
  const env = loadEnvironmentOrThrow(ENV, catalog);
  const platform = platformSlos(env, catalog);
  const symptoms = symptomInputs(platform, env);
  const servers = serverInputs(env, catalog);
  const receiverOf = (severity: string) => {
    const r = expectedReceiver(servers, severity);
    if (!r) throw new Error(`no receiver for severity ${severity}`);
    return r;
  };

  const outDir = makeTempDir('generated');
  // The rule files and the Cloud Monitoring conditions, each as its own tool writes it.
  const [, monitoringStack] = await Promise.all([generate(REPO, ENV, outDir), synthMonitoringStack(REPO, ENV)]);
  const managed = managedGroups(monitoringStack);
  const config = new GeneratedConfig(outDir, env.service.name);
  const route = config.alertmanager.route;
  const groupWaitS = seconds(route.group_wait ?? ALERTMANAGER_DEFAULTS.groupWait);
  const groupIntervalS = seconds(route.group_interval ?? ALERTMANAGER_DEFAULTS.groupInterval);
  const groupBy = route.group_by ?? [];
  const scrapeS = seconds(config.job(config.metricsJob).scrape_interval ?? config.prometheus.global?.scrape_interval ?? '1m');

  const errorRate = platform.errorRate;
  // The run's background error ratio: `slo explain`'s default (a tenth of the budget).
  const { backgroundErrorRatio } = timingOptions(errorRate);
  /** `slo explain NAME --background <the run's> --outage <lengthS>`: the page, timed. */
  const explainPage = (outageSeconds: number) => {
    const rule = explainSlo(errorRate, { backgroundErrorRatio, outageSeconds }).alertRules.find((a) => a.kind === 'page');
    if (!rule || rule.detection.atBackgroundSeconds === null) throw new Error(`${errorRate.id} has no page that a full outage fires`);
    return rule;
  };
  const explained = explainSlo(errorRate, { backgroundErrorRatio });
  const firstPage = explainPage(LONG_OUTAGE_S);
  const detectS = firstPage.detection.atBackgroundSeconds!;
  /** Reset after an outage of `lengthS`, as `slo explain --outage` states it (the branch that clears last governs). */
  const resetAfter = (lengthS: number) => {
    const reset = explainPage(lengthS).reset.afterOutageSeconds;
    if (reset === null) throw new Error(`${errorRate.id}: explain gives no reset after a ${lengthS}s outage`);
    return reset;
  };
  const ticket = explained.alerts.find((a) => a.kind === 'ticket');
  /** Per symptom alert, how long after its fault ended it may still start firing (its description says so). */
  const echoBound = new Map<string, number>();
  /** Per symptom alert, the range its condition reads. */
  const windowOf = new Map<string, number>();
  for (const t of symptomTimings(symptoms, {
    backgroundErrorRatio: (budget) => DEFAULT_BACKGROUND_BURN_RATE * budget,
    outageSeconds: LONG_OUTAGE_S,
  })) {
    echoBound.set(t.alert, Math.max(echoBound.get(t.alert) ?? 0, t.echoSeconds));
    windowOf.set(t.alert, Math.max(windowOf.get(t.alert) ?? 0, t.windowSeconds ?? 0));
  }

  // --- the common setting ----------------------------------------------------------------------
  const sink = await startWebhookSink();
  const blackbox = await startBlackboxExporter({
    binary: tools.blackbox,
    configFile: join(outDir, 'blackbox', 'blackbox.yml'),
    logDir: makeTempDir('blackbox'),
  });
  const latencySlos = catalog.slos.filter(isLatencySlo);
  const baseState: InstanceState = {
    requestsPerSecond: 10,
    // a healthy background: a tenth of the budget, a tenth of the 429 share that alerts
    errorRatio: backgroundErrorRatio,
    rateLimitedRatio: DEFAULT_BACKGROUND_BURN_RATE * env.symptoms.rateLimitedShare,
    slowRatio: DEFAULT_BACKGROUND_BURN_RATE * Math.min(...latencySlos.map((s) => s.errorBudget)),
    operationsPerSecond: 2,
    redisUp: true,
    postgresUp: true,
    replicationLagSeconds: env.database.rpoSeconds / 10,
    processStartSeconds: Math.floor((Date.now() - HISTORY_MS - 86400_000) / 1000),
    revokedKeyUsesPerSecond: 0,
    keyRotationStartedSeconds: Math.floor((Date.now() - 2 * 86400_000) / 1000),
    keyRotationCompletedSeconds: Math.floor((Date.now() - 2 * 86400_000 + 60_000) / 1000),
    healthy: true,
    exporting: true,
  };
  // T0: when the servers are expected to be up; faults in the history are placed relative to it.
  const t0 = Date.now() + SETUP_MS;
  // The recent history starts on the old history's grid, so the two meet without a gap.
  const recentFromMs = Math.floor((t0 - RECENT_MS) / OLD_STEP_MS) * OLD_STEP_MS;
  const inputs: WorldInputs = {
    config,
    tools,
    latencySlos,
    baseState,
    healthPath: env.service.healthPath,
    sinkUrl: sink.url,
    blackboxPort: blackbox.port,
    retention: servers.retention,
    historyStartMs: t0 - HISTORY_MS,
    oldStepMs: OLD_STEP_MS,
    recentFromMs,
    managed: new Map([[CLOUD_MONITORING, managed]]),
  };
  const regions = config.regions();
  const isAlert =
    (name: string, labels: Record<string, string> = {}) =>
    (a: PrometheusAlert | { labels: Readonly<Record<string, string>> }) =>
      a.labels.alertname === name && Object.entries(labels).every(([k, v]) => a.labels[k] === v);
  const pageAlert = isAlert(errorRate.alerting.name, { slo_alert: 'page' });

  // --- the worlds --------------------------------------------------------------------------------
  const healthy = new World('healthy', inputs);
  const outage = new World('outage', inputs);
  const outageStart = t0 + LEAD_S * 1000 - detectS * 1000;
  outage.change(outageStart, { errorRatio: 1 });
  // A third path in the outage world: the Cloud Monitoring conditions with one factor changed (the
  // page's first burn threshold, times MUTANT_FACTOR); the comparison must find it different.
  const mutant = withOneFactorChanged(managed, errorRate.alerting.name, { slo: errorRate.name, slo_alert: 'page' }, MUTANT_FACTOR, MUTANT);
  outage.managed.set(MUTANT, mutant.groups);
  const longOutage = new World('long-outage', inputs);
  const longReset = resetAfter(LONG_OUTAGE_S);
  const longEnd = t0 + LONG_OUTAGE_LEAD_S * 1000 - longReset * 1000;
  longOutage.change(longEnd - LONG_OUTAGE_S * 1000, { errorRatio: 1 });
  longOutage.change(longEnd, { errorRatio: baseState.errorRatio });
  const chaos = new World('chaos', inputs);
  const probes = new World('probes', inputs);
  const availWindowS = seconds(availabilityWindow(symptoms));
  const probeDown1 = t0 - (availWindowS * 1000) / 2;
  probes.change(probeDown1, { healthy: false }, [regions[0]!]);
  const blip = new World('blip', inputs);
  const steady = new World('steady', inputs, true);
  if (!ticket) throw new Error(`${errorRate.id} has no ticket`);
  // Exactly the ticket's factor on average, with the noise real traffic has: the error ratio of
  // each minute varies by up to a fifth around it (a fixed pseudo-random sequence).
  const steadyRatio = ticket.errorRatioThreshold;
  steady.change(inputs.historyStartMs, { errorRatio: steadyRatio });
  let seed = 1;
  for (let m = t0 - RECENT_MS * 4; m < t0 + 20 * 60_000; m += 60_000) {
    seed = (seed * 48271) % 2147483647;
    steady.change(m, { errorRatio: steadyRatio * (0.8 + (0.4 * seed) / 2147483647) });
  }
  const noData = new World('no-data', inputs);
  const noDataSlos = catalog.slos.filter((s) => s.alerting.noData);
  const shortestNoData = Math.min(...noDataSlos.map((s) => seconds(s.alerting.noData!.window)));
  const stopAt = t0 + LEAD_S * 1000 - shortestNoData * 1000;
  noData.change(stopAt, { exporting: false });
  // `--only a,b` runs some worlds (to work on one scenario); the result then says so.
  const only = argValue('--only')?.split(',');
  const worlds = [healthy, outage, longOutage, chaos, probes, blip, steady, noData].filter((w) => !only || only.includes(w.name));
  const runs = (w: World) => worlds.includes(w);

  // --- history and servers -------------------------------------------------------------------------
  const recordings = rangeReadRecordings(
    (config.prometheus.rule_files ?? []).map((f) => (isAbsolute(f) ? f : join(outDir, 'prometheus', f))),
  );
  for (const w of worlds) await w.configure();
  const historyEnd = Date.now();
  const shared = join(makeTempDir('shared-history'), 'tsdb');
  const sharedSeries = await worlds[0]!.historySeries(inputs.recentFromMs - 1, { metricsFromMs: inputs.historyStartMs, oldOnly: true });
  const sharedResult = await backfill(tools.promtool, shared, sharedSeries, 2);
  let samples = sharedResult.samples;
  // The base rates that summed windows add up, as a server running the rules all along would hold
  // them (importRecordings): over the common old history once, and over each world's recent hours
  // (and the whole history of a world that has its own). The old history holds a sample every
  // OLD_STEP, so its records are evaluated on that grid (a 5m rate needs two samples) and written
  // at every evaluation interval ("fill"), so that each minute weighs the same in a summed window
  // as the recent ones, recorded at the interval; the Cloud Monitoring conditions compute the same
  // windows from the raw series, and the comparison at the end holds the two to the same states.
  const recordsFrom = Math.ceil((inputs.historyStartMs + RATE_LEAD_MS) / OLD_STEP_MS) * OLD_STEP_MS;
  const evaluationMs = seconds(config.prometheus.global?.evaluation_interval ?? '1m') * 1000;
  const oldRecords = { fromMs: recordsFrom, toMs: inputs.recentFromMs - 1, stepMs: OLD_STEP_MS, fill: true };
  let recorded = await importRecordings(tools, dirname(shared), recordings, [oldRecords], evaluationMs);
  const sharedS = (Date.now() - historyEnd) / 1000;
  // Two worlds at a time: one writes its history while the other's promtool runs. Worlds with a
  // history of their own first: theirs takes longest.
  const pending = [...worlds].sort((a, b) => Number(b.ownHistory) - Number(a.ownHistory));
  await Promise.all(
    [0, 1].map(async () => {
      for (let w = pending.shift(); w; w = pending.shift()) {
        samples += await w.backfill(historyEnd, shared);
        const recentRecords = { fromMs: inputs.recentFromMs, toMs: historyEnd };
        recorded += await importRecordings(
          tools,
          join(w.dir, 'data'),
          recordings,
          w.ownHistory ? [oldRecords, recentRecords] : [recentRecords],
          evaluationMs,
        );
      }
    }),
  );
  const backfillS = (Date.now() - historyEnd) / 1000;
  await Promise.all(worlds.map((w) => w.start()));
  const liveFrom = Date.now();
  log(
    `history: ${samples} samples backfilled, and ${recorded} samples of ${recordings.reduce((n, g) => n + g.rules.length, 0)} recording rules imported, in ${backfillS.toFixed(1)} s (the common old history and its records ${sharedS.toFixed(1)} s); ${worlds.length} worlds up at T0${liveFrom >= t0 ? '+' : '-'}${Math.abs((liveFrom - t0) / 1000).toFixed(0)}s`,
  );
  if (liveFrom > t0 + (LEAD_S * 1000) / 2)
    throw new Error(
      `the servers took too long to start (${((liveFrom - t0) / 1000).toFixed(0)} s after T0): the faults placed in the history are already past`,
    );

  const poller = setInterval(() => void Promise.all(worlds.map((w) => w.poll())), POLL_MS);
  const evalS = async (w: World, alertname: string) => {
    const groups = await w.prometheus!.api.ruleGroups();
    const g = groups.find((x) => x.rules.some((r) => r.name === alertname));
    if (!g) throw new Error(`${w.name}: no rule group holds ${alertname}`);
    return g.interval;
  };
  const forS = async (w: World, alertname: string) => {
    const groups = await w.prometheus!.api.ruleGroups();
    const r = groups.flatMap((g) => g.rules).find((x) => x.name === alertname) as { duration?: number } | undefined;
    return r?.duration ?? 0;
  };
  const notified = (
    w: World,
    receiver: string | undefined,
    match: (a: { labels: Readonly<Record<string, string>> }) => boolean,
    status: 'firing' | 'resolved',
    afterMs = 0,
  ) =>
    sink
      .received(`/${w.name}/`)
      .filter(
        (n) =>
          n.receivedAtMs >= afterMs &&
          (receiver === undefined || n.receiver === receiver) &&
          n.alerts.some((a) => a.status === status && match(a)),
      );
  // When Alertmanager delivers an alert that Prometheus started firing at `firingMs`: a new group
  // is flushed group_wait after its first alert; an alert joining a group that has already been
  // flushed waits for the group's next tick (a multiple of group_interval after its first flush).
  // Groups are keyed by the generated route's group_by labels, per receiver.
  const deliveryDeadline = (w: World, receiver: string, alertLabels: Readonly<Record<string, string>>, firingMs: number) => {
    const key = (labels: Readonly<Record<string, string>>) => JSON.stringify(groupBy.map((l) => labels[l] ?? ''));
    const group = key(alertLabels);
    const firstFlush = sink
      .received(`/${w.name}/`)
      .find((n) => n.receiver === receiver && n.alerts.some((a) => key(a.labels) === group))?.receivedAtMs;
    if (firstFlush === undefined || firstFlush >= firingMs) return { ms: firingMs + (groupWaitS + DELIVERY_SLACK_S) * 1000, joined: false };
    const ticks = Math.ceil((firingMs - firstFlush) / (groupIntervalS * 1000));
    return { ms: firstFlush + ticks * groupIntervalS * 1000 + DELIVERY_SLACK_S * 1000, joined: true };
  };
  const waitUntil = async (tMs: number) => {
    while (Date.now() < tMs) await sleep(Math.min(1000, tMs - Date.now()));
  };
  const waitFor = async (deadlineMs: number, cond: () => boolean) => {
    while (Date.now() < deadlineMs && !cond()) await sleep(500);
  };
  const since = (tMs: number | undefined, fromMs: number) => (tMs === undefined ? undefined : (tMs - fromMs) / 1000);

  const scenarios: Promise<void>[] = [];
  /** Runs `body` now, beside the others, when `world` is part of the run; logs when it is done. */
  const scenario = (world: World, body: () => Promise<void>) => {
    if (runs(world)) scenarios.push(body().then(() => log(`scenario done at T0+${((Date.now() - t0) / 1000).toFixed(0)}s`)));
  };

  // outage: the error-rate page reaches the page receiver within explain's detection time plus one
  // scrape, one evaluation and group_wait; after recovery it resolves within the reset time plus the
  // same margins, and the resolved notification follows within one group_interval.
  scenario(outage, async () => {
    const w = outage;
    const evalInterval = await evalS(w, errorRate.alerting.name);
    const receiver = receiverOf(firstPage.severity);
    const bound = detectS + scrapeS + evalInterval + groupWaitS + DELIVERY_SLACK_S;
    await waitFor(outageStart + (bound + 60) * 1000, () => w.firstSeen(pageAlert, 'firing') !== undefined);
    const firing = w.firstSeen(pageAlert, 'firing');
    const recovered = Date.now();
    w.change(recovered, { errorRatio: baseState.errorRatio });
    await waitFor(outageStart + (bound + 30) * 1000, () => notified(w, receiver, pageAlert, 'firing').length > 0);
    const delivered = notified(w, receiver, pageAlert, 'firing')[0]?.receivedAtMs;
    check(
      'full outage',
      `${errorRate.alerting.name} page fires (after the outage start)`,
      `${fmt(detectS - evalInterval)} .. ${fmt(detectS + scrapeS + evalInterval)}`,
      fmt(since(firing, outageStart)),
      firing !== undefined &&
        since(firing, outageStart)! >= detectS - evalInterval &&
        since(firing, outageStart)! <= detectS + scrapeS + evalInterval + POLL_MS / 1000,
    );
    check(
      'full outage',
      `page notification at ${receiver}`,
      `<= ${fmt(bound)}`,
      fmt(since(delivered, outageStart)),
      delivered !== undefined && since(delivered, outageStart)! <= bound,
    );
    const elsewhere = sink.received(`/${w.name}/`).filter((n) => n.receiver !== receiver && n.alerts.some(pageAlert));
    check('full outage', 'the page reaches no other receiver', '0 notifications', `${elsewhere.length}`, elsewhere.length === 0);
    const outageLength = (recovered - outageStart) / 1000;
    const reset = resetAfter(outageLength);
    const resetBound = reset + scrapeS + evalInterval;
    await waitFor(recovered + (resetBound + 30) * 1000, () => w.firstNotFiring(pageAlert, recovered) !== undefined);
    const resolved = w.firstNotFiring(pageAlert, recovered);
    check(
      'recovery',
      `page resolves after a ${outageLength.toFixed(0)}s outage`,
      `${fmt(reset - evalInterval)} .. ${fmt(resetBound)}`,
      fmt(since(resolved, recovered)),
      resolved !== undefined &&
        since(resolved, recovered)! >= reset - evalInterval &&
        since(resolved, recovered)! <= resetBound + POLL_MS / 1000,
    );
    const resolvedBound = (resolved ?? recovered) + (groupIntervalS + DELIVERY_SLACK_S) * 1000;
    await waitFor(resolvedBound, () => notified(w, receiver, pageAlert, 'resolved').length > 0);
    const resolvedNote = notified(w, receiver, pageAlert, 'resolved')[0]?.receivedAtMs;
    check(
      'recovery',
      `resolved notification at ${receiver}`,
      `<= ${fmt(resetBound + groupIntervalS + DELIVERY_SLACK_S)} after recovery`,
      fmt(since(resolvedNote, recovered)),
      resolvedNote !== undefined && resolvedNote <= resolvedBound,
    );
    // Echoes: nothing may start firing once the fault is gone, except a symptom alert within the
    // echo bound its description states (symptomTimings: a hold over a window that still sees
    // the fault); a server adds one scrape and one evaluation. Prometheus' state is read until
    // the fast symptoms' window no longer sees the outage (a notification follows by group_wait).
    const echoFrom = (alertname: string) => recovered + ((echoBound.get(alertname) ?? 0) + evalInterval + scrapeS) * 1000;
    await waitUntil(recovered + (fastSymptomWindowSeconds(symptoms) + scrapeS + evalInterval) * 1000 + POLL_MS);
    const late = sink
      .received(`/${w.name}/`)
      .filter((n) => n.alerts.some((a) => a.status === 'firing' && Date.parse(a.startsAt) >= echoFrom(a.labels.alertname ?? '')));
    const startedLate = [
      ...new Set(
        w.polls
          .flatMap((p) => p.alerts.filter((a) => a.state === 'firing'))
          .filter(
            (a) =>
              (w.firstSeen((b) => b.labels.alertname === a.labels.alertname && b.labels.slo_alert === a.labels.slo_alert, 'firing') ?? 0) >=
              echoFrom(a.labels.alertname ?? ''),
          )
          .map((a) => a.labels.alertname),
      ),
    ];
    check(
      'recovery',
      'no alert starts firing after recovery (echo)',
      'none',
      [
        ...startedLate.map((n) => `${n} firing`),
        ...late.map((n) => `${[...new Set(n.alerts.map((a) => a.labels.alertname))].join('+')}@${n.receiver}`),
      ].join(', ') || 'none',
      startedLate.length === 0 && late.length === 0,
    );
  });

  // long outage: a 50-minute outage that ended in the history; the page resolves when the slowest
  // branch it fired resets.
  scenario(longOutage, async () => {
    const w = longOutage;
    const evalInterval = await evalS(w, errorRate.alerting.name);
    const receiver = receiverOf(firstPage.severity);
    const expected = longEnd + longReset * 1000;
    await waitFor(
      expected + (scrapeS + evalInterval + 30) * 1000,
      () => w.firstNotFiring(pageAlert, w.firstSeen(pageAlert, 'firing') ?? Infinity) !== undefined,
    );
    const firing = w.firstSeen(pageAlert, 'firing');
    const resolved = firing === undefined ? undefined : w.firstNotFiring(pageAlert, firing);
    check(
      'long outage',
      `page firing at start (outage ended ${fmt((liveFrom - longEnd) / 1000)} before)`,
      'firing',
      firing === undefined ? 'never fired' : 'firing',
      firing !== undefined,
    );
    check(
      'long outage',
      `page resolves after a ${LONG_OUTAGE_S / 60}m outage (slowest branch's reset)`,
      `${fmt(longReset - evalInterval)} .. ${fmt(longReset + scrapeS + evalInterval)}`,
      fmt(since(resolved, longEnd)),
      resolved !== undefined &&
        since(resolved, longEnd)! >= longReset - evalInterval &&
        since(resolved, longEnd)! <= longReset + scrapeS + evalInterval + POLL_MS / 1000,
    );
    const deadline = (resolved ?? expected) + (groupIntervalS + DELIVERY_SLACK_S) * 1000;
    await waitFor(deadline, () => notified(w, receiver, pageAlert, 'resolved').length > 0);
    const note = notified(w, receiver, pageAlert, 'resolved')[0]?.receivedAtMs;
    check(
      'long outage',
      `resolved notification at ${receiver}`,
      `<= resolve + ${fmt(groupIntervalS + DELIVERY_SLACK_S)}`,
      fmt(note === undefined || resolved === undefined ? undefined : (note - resolved) / 1000),
      note !== undefined && note <= deadline,
    );
  });

  // chaos: Redis down, database down, several instances restarting, key rotation failure, each at
  // its severity's receiver within the scrape, its hold (`for`), one evaluation and group_wait.
  scenario(chaos, async () => {
    const w = chaos;
    if (regions.length < env.symptoms.restartingInstances)
      throw new Error(
        `the chaos scenario needs ${env.symptoms.restartingInstances} instances; the config has ${regions.length} regions of one instance each`,
      );
    // Faults start once every instance has been scraped live, so each rate reads samples one scrape
    // interval apart across the injection, as on a server that ran all along.
    await w.firstLiveScrapes(config.metricsJob, 2 * scrapeS * 1000);
    const inject = Date.now() + 5000;
    await waitUntil(inject);
    w.change(inject, { redisUp: false }, [regions[0]!]);
    w.change(inject, { postgresUp: false }, [regions[1]!]);
    w.change(inject, { processStartSeconds: Math.floor(inject / 1000) }, regions.slice(0, env.symptoms.restartingInstances));
    w.change(inject, { revokedKeyUsesPerSecond: 0.2 }, [regions[2 % regions.length]!]);
    // A rotation that started longer ago than its timeout and never completed (in one region).
    w.change(inject, { keyRotationStartedSeconds: Math.floor(inject / 1000) - env.symptoms.keyRotationTimeoutSeconds - 1 }, [
      regions[(regions.length - 1) % regions.length]!,
    ]);
    // Half of all requests answered 429 (a rate limiter or an exhausted Redis pool): the share
    // over the rule's window crosses its threshold after that share of the window.
    const limitedShare = 0.5;
    w.change(inject, { rateLimitedRatio: limitedShare });
    const cases: { key: keyof typeof SYMPTOM; what: string; labels?: Record<string, string>; crossS?: number }[] = [
      { key: 'redis', what: 'Redis down' },
      { key: 'postgres', what: 'database down' },
      { key: 'restarts', what: `${env.symptoms.restartingInstances} instances restarting` },
      { key: 'keyRotation', what: 'key rotation failure (revoked key accepted)', labels: { [REASON_LABEL]: 'revoked-key-in-use' } },
      {
        key: 'keyRotation',
        what: `key rotation never completes (started > ${env.symptoms.keyRotationTimeoutSeconds}s ago)`,
        labels: { [REASON_LABEL]: 'rotation-incomplete' },
      },
      {
        key: 'rateLimited',
        what: `${limitedShare * 100} % of requests answered 429`,
        crossS: ((windowOf.get(SYMPTOM.rateLimited) ?? 0) * env.symptoms.rateLimitedShare) / limitedShare,
      },
    ];
    const bounds = await Promise.all(
      cases.map(async (c) => ({
        ...c,
        evalInterval: await evalS(w, SYMPTOM[c.key]),
        forSeconds: await forS(w, SYMPTOM[c.key]),
        hold: (await forS(w, SYMPTOM[c.key])) + (c.crossS ?? 0),
      })),
    );
    // Each alert must fire within its scrape, hold and one evaluation. It must then reach its
    // receiver by Alertmanager's rule: group_wait for a new group, or the group's next
    // group_interval tick when it joins a group already notified (all the service's symptom alerts
    // of one severity share a group, so e.g. a second key-rotation reason can wait a tick).
    const fireBound = (b: (typeof bounds)[number]) => b.hold + scrapeS + b.evalInterval + POLL_MS / 1000;
    const longest = Math.max(...bounds.map((b) => fireBound(b) + groupIntervalS + DELIVERY_SLACK_S));
    await waitFor(inject + (longest + 5) * 1000, () =>
      bounds.every((b) => notified(w, receiverOf(SYMPTOM_SEVERITY[b.key]), isAlert(SYMPTOM[b.key], b.labels), 'firing').length > 0),
    );
    for (const b of bounds) {
      const receiver = receiverOf(SYMPTOM_SEVERITY[b.key]);
      const match = isAlert(SYMPTOM[b.key], b.labels);
      const note = notified(w, receiver, match, 'firing')[0]?.receivedAtMs;
      const firing = w.firstSeen(match, 'firing');
      const firingAlert = w.polls.flatMap((p) => p.alerts).find((a) => a.state === 'firing' && match(a));
      const delivery =
        firing === undefined || firingAlert === undefined ? undefined : deliveryDeadline(w, receiver, firingAlert.labels, firing);
      check(
        b.what,
        `${SYMPTOM[b.key]} (${SYMPTOM_SEVERITY[b.key]}) fires`,
        `${fmt(b.forSeconds)} .. ${fmt(fireBound(b))}`,
        fmt(since(firing, inject)),
        firing !== undefined && since(firing, inject)! >= b.forSeconds && since(firing, inject)! <= fireBound(b),
      );
      check(
        b.what,
        `notified at ${receiver}`,
        delivery === undefined
          ? 'after firing'
          : `<= firing + ${fmt(since(delivery.ms, firing!))}${delivery.joined ? ' (joined group: next tick)' : ''}`,
        fmt(since(note, firing ?? inject)),
        note !== undefined && delivery !== undefined && note <= delivery.ms,
      );
      const elsewhere = sink.received(`/${w.name}/`).filter((n) => n.receiver !== receiver && n.alerts.some(match));
      check(b.what, 'reaches no other receiver', '0', `${elsewhere.length}`, elsewhere.length === 0);
    }
  });

  // probes: the health endpoint down in one region (since half the window before T0), then in a
  // second one; ApiAvailabilityLow's state must follow its threshold over the actual probe samples.
  const probeDown2 = Date.now() + 5000;
  scenario(probes, async () => {
    const w = probes;
    await waitUntil(probeDown2);
    w.change(probeDown2, { healthy: false }, [regions[1]!]);
    const evalInterval = await evalS(w, SYMPTOM.availability);
    const threshold = availabilityThreshold(symptoms);
    const probeS = seconds(config.job('uptime').scrape_interval ?? '1m');
    const match = isAlert(SYMPTOM.availability);
    const receiver = receiverOf(SYMPTOM_SEVERITY.availability);
    // Observe until the failed share of the actual probe samples has crossed the threshold and
    // one evaluation (and a poll) has passed, or at most two probe rounds after the second
    // region went down.
    const deadline = probeDown2 + (2 * probeS + evalInterval) * 1000;
    const judge = async () => {
      const end = Date.now() / 1000;
      const samples = (await rangeSamples(w, `probe_success{job="uptime"}`, probeDown1 / 1000 - availWindowS, end)).sort(
        (a, b) => a[0] - b[0],
      );
      // The first time the failed share over the window (closed at both ends, as in Prometheus 2) exceeds the threshold.
      const candidates = [...new Set(samples.flatMap(([t]) => [t, t + availWindowS + 0.001]))]
        .filter((t) => t * 1000 >= liveFrom && t <= end)
        .sort((a, b) => a - b);
      const ratioAt = (t: number) => {
        const inWindow = samples.filter(([s]) => s >= t - availWindowS && s <= t);
        return inWindow.length === 0 ? 0 : inWindow.filter(([, v]) => v === 0).length / inWindow.length;
      };
      return { end, expectedFire: candidates.find((t) => ratioAt(t) > threshold) };
    };
    let { end, expectedFire } = await judge();
    while (Date.now() < deadline && (expectedFire === undefined || end < expectedFire + evalInterval + (2 * POLL_MS) / 1000)) {
      await sleep(Math.min(5000, Math.max(0, deadline - Date.now())));
      ({ end, expectedFire } = await judge());
    }
    const firing = w.firstSeen(match, 'firing');
    const lastEval = end - evalInterval;
    const ok =
      expectedFire === undefined || expectedFire > lastEval
        ? firing === undefined || firing / 1000 >= lastEval
        : firing !== undefined && firing / 1000 >= expectedFire && firing / 1000 <= expectedFire + evalInterval + POLL_MS / 1000;
    check(
      'health endpoint down in 1 then 2 regions',
      `${SYMPTOM.availability} fires when failed probes > ${threshold} of ${availabilityWindow(symptoms)}`,
      expectedFire === undefined ? 'quiet' : `at ${fmt(expectedFire - probeDown2 / 1000)} .. +${evalInterval}s`,
      fmt(firing === undefined ? undefined : (firing - probeDown2) / 1000),
      ok,
    );
    if (firing !== undefined) {
      await waitFor(firing + (groupWaitS + DELIVERY_SLACK_S) * 1000, () => notified(w, receiver, match, 'firing').length > 0);
      const note = notified(w, receiver, match, 'firing')[0]?.receivedAtMs;
      check(
        'health endpoint down in 1 then 2 regions',
        `page at ${receiver}`,
        `<= firing + ${fmt(groupWaitS + DELIVERY_SLACK_S)}`,
        fmt(since(note, firing)),
        note !== undefined && note - firing <= (groupWaitS + DELIVERY_SLACK_S) * 1000,
      );
    }
  });

  // blip: errors for 45 s; no notification may arrive for an alert that starts after the blip ended.
  scenario(blip, async () => {
    const w = blip;
    await w.firstLiveScrapes(config.metricsJob, 2 * scrapeS * 1000);
    const from = Date.now() + 5000;
    await waitUntil(from);
    w.change(from, { errorRatio: 1 });
    const to = from + BLIP_S * 1000;
    await waitUntil(to);
    w.change(to, { errorRatio: baseState.errorRatio });
    const evalInterval = await evalS(w, SYMPTOM.errorRate);
    // The longest an alert on the error ratio can still see the blip: its window, one scrape and one evaluation.
    const quietAfter = to + (fastSymptomWindowSeconds(symptoms) + scrapeS + evalInterval) * 1000;
    await waitUntil(quietAfter + (groupWaitS + DELIVERY_SLACK_S) * 1000);
    const late = sink
      .received(`/${w.name}/`)
      .filter((n) =>
        n.alerts.some(
          (a) => a.status === 'firing' && n.receivedAtMs > to + (evalInterval + scrapeS + groupWaitS + DELIVERY_SLACK_S) * 1000,
        ),
      );
    const lateFiring = w.firstSeen(() => true, 'firing', to + (evalInterval + scrapeS) * 1000);
    check(
      'blip',
      `${BLIP_S}s of errors: no late notification`,
      'none',
      late
        .map(
          (n) => `${[...new Set(n.alerts.map((a) => a.labels.alertname))].join('+')}@${n.receiver} +${fmt((n.receivedAtMs - to) / 1000)}`,
        )
        .join(', ') || 'none',
      late.length === 0,
    );
    check(
      'blip',
      'no alert fires after the blip ended',
      'none',
      lateFiring === undefined
        ? 'none'
        : `${[
            ...new Set(
              w.polls
                .find((p) => p.tMs === lateFiring)!
                .alerts.filter((a) => a.state === 'firing')
                .map((a) => [a.labels.alertname, a.labels.slo_alert ?? a.labels.slo].filter(Boolean).join('/')),
            ),
          ].join(', ')} firing at +${fmt((lateFiring - to) / 1000)}`,
      lateFiring === undefined,
    );
  });

  // no data: the exporter stopped before T0; each SLO's no-data alert fires after its window of
  // silence plus its hold, at its severity's receiver; no-data alerts with longer windows stay quiet.
  scenario(noData, async () => {
    const w = noData;
    const lastSample = Math.floor((stopAt - 1) / (scrapeS * 1000)) * scrapeS * 1000;
    const due = noDataSlos.filter((s) => seconds(s.alerting.noData!.window) === shortestNoData);
    const evalInterval = await evalS(w, noDataAlertName(due[0]!.alerting.name));
    const fire = lastSample + 2 * shortestNoData * 1000;
    const bound = fire + (evalInterval + groupWaitS + DELIVERY_SLACK_S) * 1000;
    await waitFor(bound, () =>
      due.every(
        (s) =>
          notified(w, receiverOf(s.alerting.noData!.severity), isAlert(noDataAlertName(s.alerting.name), { slo: s.name }), 'firing')
            .length > 0,
      ),
    );
    for (const s of due) {
      const match = isAlert(noDataAlertName(s.alerting.name), { slo: s.name });
      const receiver = receiverOf(s.alerting.noData!.severity);
      const note = notified(w, receiver, match, 'firing')[0]?.receivedAtMs;
      const firing = w.firstSeen(match, 'firing');
      check(
        'exporter stops',
        `${noDataAlertName(s.alerting.name)} at ${receiver}`,
        `${fmt((fire - lastSample) / 1000 - evalInterval)} .. ${fmt((bound - lastSample) / 1000)}`,
        fmt(since(note, lastSample)),
        note !== undefined && firing !== undefined && firing >= fire - evalInterval * 1000 && note <= bound,
      );
    }
    const early = noDataSlos.filter(
      (s) => !due.includes(s) && w.firstSeen(isAlert(noDataAlertName(s.alerting.name)), 'firing') !== undefined,
    );
    check(
      'exporter stops',
      'no-data alerts with longer windows stay quiet',
      'none',
      early.map((s) => s.id).join(', ') || 'none',
      early.length === 0,
    );
  });

  await Promise.all(scenarios);
  // healthy and steady burn: judged over the whole live phase.
  if (runs(healthy)) {
    const healthyAlerts = healthy.polls.flatMap((p) => p.alerts.map((a) => `${a.labels.alertname}:${a.state}`));
    check('healthy', 'nothing pending or firing', 'none', [...new Set(healthyAlerts)].join(', ') || 'none', healthyAlerts.length === 0);
    const healthyNotes = sink.received('/healthy/');
    check('healthy', 'nothing delivered', '0', `${healthyNotes.length}`, healthyNotes.length === 0);
  }
  if (runs(steady)) {
    const ticketMatch = isAlert(errorRate.alerting.name, { slo_alert: 'ticket' });
    let transitions = 0;
    let wasFiring: boolean | undefined;
    for (const p of steady.polls) {
      const firing = p.alerts.some((a) => a.state === 'firing' && ticketMatch(a));
      if (wasFiring !== undefined && firing !== wasFiring) transitions++;
      wasFiring = firing;
    }
    const ticketReceiver = receiverOf(ticket.severity);
    const steadyNotes = sink.received('/steady/').filter((n) => n.alerts.some(ticketMatch));
    const resolvedNotes = steadyNotes.filter((n) => n.alerts.some((a) => a.status === 'resolved' && ticketMatch(a)));
    check(
      'steady 1x burn',
      `ticket state changes over ${fmt((Date.now() - liveFrom) / 1000)}`,
      '<= 1 (fires once, then stays)',
      `${transitions}`,
      transitions <= 1,
    );
    check('steady 1x burn', `no resolved ticket at ${ticketReceiver}`, '0', `${resolvedNotes.length}`, resolvedNotes.length === 0);
    const steadyPages = steady.polls.some((p) => p.alerts.some((a) => a.state === 'firing' && pageAlert(a)));
    check('steady 1x burn', 'no page', 'none', steadyPages ? 'paged' : 'none', !steadyPages);
  }
  clearInterval(poller);

  // The same data through both paths: every alert the Cloud Monitoring conditions define must be in
  // the same state (inactive, pending or firing) as the rule files' at every evaluation of the live
  // phase, in every world; in the outage world the copy with one factor changed must not be.
  const compared = definedBy(managed);
  for (const w of worlds) {
    const placement = w.placements.get(CLOUD_MONITORING);
    check(
      'equality',
      `${w.name}: every condition evaluated in the group of its alert`,
      'all',
      placement === undefined
        ? 'none loaded'
        : placement.separate.length === 0
          ? `all (${placement.merged})`
          : placement.separate.join(', '),
      placement !== undefined && placement.separate.length === 0,
    );
    const byPath = alertStatesByPath((await w.alertSamples(liveFrom)).filter((s) => compared(s.metric)));
    const states = (path: string) => byPath.get(path) ?? new Map<string, Map<number, string>>();
    const describe = (path: string) => {
      const alerts = states(path);
      const evaluations = [...alerts.values()].reduce((n, m) => n + m.size, 0);
      return `${alerts.size} alerts pending or firing at ${evaluations} alert-evaluations`;
    };
    const show = (d: StateDifference[]) =>
      d
        .slice(0, 3)
        .map((x) => `${x.alert} at T0${fmtSigned((x.atMs - t0) / 1000)}: rule files ${x.reference}, other ${x.candidate}`)
        .join('; ') + (d.length > 3 ? `; and ${d.length - 3} more` : '');
    const differences = compareAlertStates(states(''), states(CLOUD_MONITORING));
    check(
      'equality',
      `${w.name}: rule files and Cloud Monitoring conditions agree at every evaluation`,
      '0 differences',
      differences.length === 0 ? `0 differences (${describe('')})` : show(differences),
      differences.length === 0,
    );
    if (w.managed.has(MUTANT)) {
      const found = compareAlertStates(states(''), states(MUTANT));
      check(
        'equality',
        `${w.name}: a changed factor is found (${errorRate.alerting.name} page threshold ${mutant.from} -> ${mutant.to})`,
        '>= 1 difference',
        found.length === 0 ? '0 differences' : `${found.length}: ${show(found)}`,
        found.length > 0,
      );
    }
  }

  for (const w of worlds) {
    const failures = await w.prometheus!.api.ruleEvaluationFailures();
    check('all', `${w.name}: prometheus_rule_evaluation_failures_total`, '0', `${failures}`, failures === 0);
  }

  printTable();
  const failed = rows.filter((r) => !r.ok).length;
  log(`${rows.length - failed}/${rows.length} checks passed; wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (keep) {
    log(`servers kept up (Ctrl-C stops them and removes their data):\n  webhook sink ${sink.url}\n  blackbox exporter ${blackbox.url}`);
    for (const w of worlds) log(`  ${w.name}: prometheus ${w.prometheus!.url}  alertmanager ${w.alertmanager!.url}  (files in ${w.dir})`);
    await new Promise(() => undefined);
  }
  await cleanup();
  await sink.stop();
  return failed === 0 ? 0 : 1;
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function rangeSamples(w: World, selector: string, fromS: number, toS: number): Promise<[number, number][]> {
  const result = await w.prometheus!.api.queryRaw(`${selector}[${Math.ceil(toS - fromS)}s]`, toS);
  return result.flatMap((r) => r.values);
}

function printTable(): void {
  const header = ['scenario', 'check', 'expected', 'measured', 'ok'];
  const body = rows.map((r) => [r.scenario, r.check, r.expected, r.measured, r.ok ? 'ok' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((n) => '-'.repeat(n)).join('  ')}\n${body.map(line).join('\n')}\n\n`);
}

function log(message: string): void {
  process.stdout.write(`e2e: ${message}\n`);
}

main().then(
  (code) => process.exit(code),
  async (e: unknown) => {
    process.stderr.write(`e2e: ${(e as Error).stack ?? String(e)}\n`);
    await cleanup();
    process.exit(1);
  },
);
