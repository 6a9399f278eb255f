/**
 * Compares when two Prometheus rule files fire their SLO alerts on the same input series, with
 * promtool. Each scenario is a promtool test group whose `alert_rule_test` expects nothing at
 * every step of a grid; promtool then reports, for every step where something fired, the alerts
 * it got. Those reports, reduced to "which SLO's page/ticket alert", are the firing sets compared.
 *
 * The scenarios are built from the reference's windows and factors (not from the code under test),
 * so they sit around each window's own factor: a clean period, a full outage and its recovery,
 * and for every factor a steady burn 2 % above and 2 % below it after a clean long window.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { testFileYaml } from '../../../alerts/prometheus/serialize';
import type { BurnWindow } from '../../../slos/burn-rate';

/** The counters the scenarios feed: `REQUESTS_METRIC{job, code}`; the SLIs count 5xx or 429 as errors. */
export const REQUESTS_METRIC = 'http_request_duration_seconds_count';
/** Requests per sample interval: large, so error shares like 1.584 % stay whole numbers. */
const REQUESTS_PER_STEP = 100_000;

/** One phase of a scenario: for `seconds`, this share of the requests fail. */
export interface Phase {
  readonly seconds: number;
  readonly errorRatio: number;
}

/** A named input: phases from t = 0, sampled every `intervalSeconds`. */
export interface Scenario {
  readonly name: string;
  /** The `job` label of the request counters, the one the SLI under test selects. */
  readonly job: string;
  readonly intervalSeconds: number;
  readonly phases: readonly Phase[];
  /** When the interesting part starts (the outage or the burn), for detection checks. */
  readonly startSeconds: number;
}

/** An alert window of the reference rules, which the burn scenarios sit around. */
export type ReferenceWindow = Pick<
  BurnWindow,
  'kind' | 'factor' | 'longWindow' | 'shortWindow' | 'longWindowSeconds' | 'shortWindowSeconds'
>;

/**
 * How far above and below a factor the burn scenarios sit: close enough that a factor off by a few
 * percent makes one rule file fire where the other does not, far from float noise.
 */
export const MARGIN = 0.02;

/** Firing sets per scenario: step (seconds) → sorted keys like `requests-availability/page`. */
export type Firing = Map<string, Map<number, string[]>>;

const MIN = 60;
const HOUR = 3600;

/**
 * The scenarios for one SLO, from its error budget and the reference's alert windows. The outage is sampled every minute, the clean history every hour, and the burns as coarsely as their short window allows (see sampleInterval), to keep
 * promtool fast.
 */
export function scenariosFor(budget: number, windows: readonly ReferenceWindow[], job: string): Scenario[] {
  const longest = Math.max(HOUR, ...windows.map((w) => w.longWindowSeconds));
  const out: Scenario[] = [
    // Nothing fires on a clean history as long as the longest window.
    { name: 'clean', job, intervalSeconds: HOUR, phases: [{ seconds: longest + 6 * HOUR, errorRatio: 0 }], startSeconds: 0 },
    // Every alert catches a full outage within minutes; the page resets within its short window.
    {
      name: 'full outage then recovery',
      job,
      intervalSeconds: MIN,
      phases: [
        { seconds: HOUR, errorRatio: 0 },
        { seconds: 30 * MIN, errorRatio: 1 },
        { seconds: HOUR, errorRatio: 0 },
      ],
      startSeconds: HOUR,
    },
  ];
  const seen = new Set<string>();
  for (const w of windows) {
    if (seen.has(w.longWindow)) continue;
    seen.add(w.longWindow);
    // Page burns start after a clean history long enough that a slower page window (which carries
    // the same alert) is still below its factor when the window under test fills, so it cannot
    // fire first and hide a wrong factor: a burn b = (1 + MARGIN)·f over L after a clean P puts
    // b·L / (P + L) into the slower window, below its factor f' once P > L·(b/f' − 1) (25 % spare,
    // whole hours). Ticket burns do not need it: Sloth's 1 d/3× and 3 d/1× windows fire together on
    // a 3× burn by design.
    const slower = windows.filter((o) => o.kind === 'page' && o.factor < w.factor);
    const prefix =
      w.kind === 'page'
        ? Math.max(
            w.longWindowSeconds,
            ...slower.map((o) =>
              Math.min(
                o.longWindowSeconds,
                Math.ceil((w.longWindowSeconds * ((1 + MARGIN) * (w.factor / o.factor) - 1) * 1.25) / HOUR) * HOUR,
              ),
            ),
          )
        : w.longWindowSeconds;
    for (const [label, k] of [
      ['above', 1 + MARGIN],
      ['below', 1 - MARGIN],
    ] as const) {
      out.push({
        name: burnScenarioName(label, w),
        job,
        intervalSeconds: sampleInterval(w.shortWindowSeconds),
        phases: [
          { seconds: prefix, errorRatio: 0 },
          { seconds: w.longWindowSeconds + w.shortWindowSeconds, errorRatio: Math.min(1, k * w.factor * budget) },
          { seconds: 2 * w.shortWindowSeconds, errorRatio: 0 },
        ],
        startSeconds: prefix,
      });
    }
  }
  return out;
}

/**
 * Sample (and evaluation) interval for a scenario around a window: 5 minutes when that still puts
 * six samples in the short window, else 1 minute. Days-long scenarios at one minute
 * would take promtool tens of seconds; both rule files see the same samples either way.
 */
export function sampleInterval(shortWindowSeconds: number): number {
  // At most 5 minutes: our windows of a day or more sum recorded 5-minute rates, which tile the
  // window only when evaluated at least every 5 minutes (the generated groups state 1 m).
  const fits = [5 * MIN].find((i) => i * 6 <= shortWindowSeconds);
  return fits ?? MIN;
}

/** Name of the burn scenario around window `w`: `burn 2 % above 14.4x (1h/5m)`. */
export function burnScenarioName(label: 'above' | 'below', w: ReferenceWindow): string {
  return `burn ${MARGIN * 100} % ${label} ${Number(w.factor.toPrecision(6))}x (${w.longWindow}/${w.shortWindow})`;
}

/** Counter values in promtool's expanding notation, one segment per phase. */
function counterValues(scenario: Scenario, share: (p: Phase) => number): string {
  const parts = ['0'];
  let value = 0;
  for (const p of scenario.phases) {
    const steps = Math.round(p.seconds / scenario.intervalSeconds);
    const inc = Math.round(share(p) * REQUESTS_PER_STEP);
    parts.push(`${value + inc}+${inc}x${steps - 1}`);
    value += inc * steps;
  }
  return parts.join(' ');
}

function totalSeconds(s: Scenario): number {
  return s.phases.reduce((sum, p) => sum + p.seconds, 0);
}

/** A promtool test file for `rulesFile` with the scenarios of one sample interval. */
export function testFile(
  rulesFile: string,
  groups: readonly string[],
  scenarios: readonly Scenario[],
  alertnames: readonly string[],
): string {
  const interval = scenarios[0]!.intervalSeconds;
  // The generated test files' emitter: the yaml library's took 4 s per peers run for these files.
  return testFileYaml({
    rule_files: [rulesFile],
    evaluation_interval: `${interval}s`,
    // Without a fixed order promtool may run an alert group before the recording group it reads,
    // and the alert then sees the previous step's ratios: firing would move by a step at random.
    group_eval_order: groups,
    tests: scenarios.map((s) => {
      const steps: number[] = [];
      for (let t = interval; t <= totalSeconds(s); t += interval) steps.push(t);
      return {
        name: s.name,
        interval: `${interval}s`,
        input_series: [
          { series: `${REQUESTS_METRIC}{job="${s.job}",code="200"}`, values: counterValues(s, (p) => 1 - p.errorRatio) },
          { series: `${REQUESTS_METRIC}{job="${s.job}",code="500"}`, values: counterValues(s, (p) => p.errorRatio) },
        ],
        alert_rule_test: steps.flatMap((t) => alertnames.map((alertname) => ({ eval_time: `${t}s`, alertname, exp_alerts: [] }))),
      };
    }),
  });
}

/** promtool from $PROMTOOL or PATH; fails with an install hint (never skips). */
export function promtool(): string {
  const candidate = process.env['PROMTOOL'] ?? 'promtool';
  try {
    execFileSync(candidate, ['--version'], { stdio: 'ignore' });
    return candidate;
  } catch {
    throw new Error(
      `promtool not found (tried ${JSON.stringify(candidate)}); install it (Debian/Ubuntu: apt-get install prometheus) or set PROMTOOL`,
    );
  }
}

/** Reduces an alert's labels to `slo/kind`, whichever naming the rule file uses. */
function alertKey(labels: Record<string, string>): string {
  const slo = labels['sloth_slo'] ?? labels['slo'] ?? '?';
  const kind = labels['sloth_severity'] ?? labels['slo_alert'] ?? labels['severity'] ?? '?';
  return `${slo}/${kind}`;
}

/** Parses promtool's failure report into firing sets, per test file. */
export function parseReport(report: string): Map<string, Firing> {
  const byFile = new Map<string, Firing>();
  let firing: Firing | undefined;
  let group = '';
  let time = 0;
  for (const line of report.split('\n')) {
    const file = /^Unit Testing:\s+(.+?)\s*$/.exec(line);
    if (file) {
      firing = new Map();
      byFile.set(file[1]!, firing);
      continue;
    }
    const name = /^\s+name: (.*),$/.exec(line);
    if (name) group = name[1]!;
    const at = /^\s+alertname: .*, time: (\S+), $/.exec(line);
    if (at) time = promDurationSeconds(at[1]!);
    const labels = /^\s+Labels:\{(.*)\}$/.exec(line);
    if (labels && firing) {
      const map: Record<string, string> = {};
      for (const m of labels[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) map[m[1]!] = m[2]!;
      const steps = firing.get(group) ?? new Map<number, string[]>();
      firing.set(group, steps);
      const keys = new Set(steps.get(time) ?? []);
      keys.add(alertKey(map));
      steps.set(time, [...keys].sort());
    }
  }
  return byFile;
}

/** `1h2m30s` → 3750. */
function promDurationSeconds(text: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|[smhdwy])/g)) total += Number(m[1]) * units[m[2]!]!;
  return total;
}

/** A rule file to run, by a short name, with the alert names to assert on and its scenarios. */
export interface RuleSet {
  readonly name: string;
  readonly rules: string;
  readonly alertnames: readonly string[];
  readonly scenarios: readonly Scenario[];
}

/**
 * Runs each rule set's scenarios in one promtool invocation per rule set, as many at a time as
 * there are CPUs, and returns the firing sets by rule-set name. Scenarios are split by sample
 * interval into test files (a test file has one evaluation interval).
 */
export async function firingSets(ruleSets: readonly RuleSet[]): Promise<Map<string, Firing>> {
  const bin = promtool();
  const dir = mkdtempSync(join(tmpdir(), 'slo-peers-'));
  try {
    const results = new Map<string, Firing>();
    const queue = [...ruleSets];
    const worker = async (): Promise<void> => {
      for (let set = queue.shift(); set; set = queue.shift()) results.set(set.name, await runSet(bin, dir, set));
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(cpus().length, ruleSets.length)) }, worker));
    return results;
  } finally {
    // KEEP_PEERS_DIR=1 keeps the rule, test and log files for a look at what promtool saw.
    if (process.env['KEEP_PEERS_DIR']) process.stderr.write(`peers: files kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The files promtool reads for a rule set, by name: its rule file and one test file per sample interval. */
export function ruleSetFiles(set: RuleSet): Map<string, string> {
  const rulesFile = `${set.name}.rules.yaml`;
  const files = new Map([[rulesFile, set.rules]]);
  const groups = (parse(set.rules) as { groups: { name: string }[] }).groups.map((g) => g.name);
  for (const interval of [...new Set(set.scenarios.map((s) => s.intervalSeconds))].sort((a, b) => a - b)) {
    const scenarios = set.scenarios.filter((s) => s.intervalSeconds === interval);
    files.set(`${set.name}.${interval}s.test.yaml`, testFile(rulesFile, groups, scenarios, set.alertnames));
  }
  return files;
}

/** A digest of every file promtool reads for a rule set: the same digest, the same firing sets. */
export function ruleSetDigest(set: RuleSet): string {
  const hash = createHash('sha256');
  for (const [name, text] of ruleSetFiles(set)) hash.update(name).update('\0').update(text).update('\0');
  return hash.digest('hex');
}

async function runSet(bin: string, dir: string, set: RuleSet): Promise<Firing> {
  const files = [...ruleSetFiles(set)];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  const tests = files.map(([name]) => name).filter((name) => name.endsWith('.test.yaml'));
  // stdout and stderr into one file, so each failure report stays under its "Unit Testing" line.
  const logPath = join(dir, `${set.name}.log`);
  const log = openSync(logPath, 'w');
  const status = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(bin, ['test', 'rules', ...tests], { cwd: dir, stdio: ['ignore', log, log] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  closeSync(log);
  const report = readFileSync(logPath, 'utf8');
  // promtool exits 1 whenever something fired (those "failures" are the report); more is an error.
  if (status !== 0 && status !== 1) throw new Error(`promtool failed (${status}) on ${set.name}:\n${report.slice(0, 2000)}`);
  // Every line of a report is one of these; anything else (a rule that does not load, a bad
  // series) is an error, not a firing alert.
  const known = /^(Unit Testing:|\s*$|\s+(FAILED:|SUCCESS|name: |alertname: |exp:|got:|\d+:$|Labels:|Annotations:|\]))/;
  const errors = report.split('\n').filter((l) => !known.test(l));
  if (errors.length > 0) throw new Error(`promtool reported errors on ${set.name}:\n${errors.slice(0, 10).join('\n')}`);
  const firing: Firing = new Map();
  for (const perFile of parseReport(report).values()) for (const [group, steps] of perFile) firing.set(group, steps);
  return firing;
}

/** Steps where two firing maps differ, as readable lines (empty when they agree). */
/** The runs of consecutive steps (gaps of at most `step`) in which each alert key fires: `[first, last]` per run. */
function runsOf(m: Map<number, string[]> | undefined, step: number): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const t of [...(m?.keys() ?? [])].sort((x, y) => x - y))
    for (const k of m!.get(t)!) {
      const runs = out.get(k) ?? [];
      const last = runs[runs.length - 1];
      if (last && t - last[1] <= step) last[1] = t;
      else runs.push([t, t]);
      out.set(k, runs);
    }
  return out;
}

/**
 * Differences between two firing sets where `b` may start and stop each firing up to `lagSeconds`
 * later than `a` (windows summed from recorded 5-minute rates see a change that late), evaluated
 * every `step` seconds. With no lag, exactly `differences`.
 */
export function laggedDifferences(
  a: Map<number, string[]> | undefined,
  b: Map<number, string[]> | undefined,
  step: number,
  lagSeconds: number,
): string[] {
  if (lagSeconds === 0) return differences(a, b);
  const ra = runsOf(a, step);
  const rb = runsOf(b, step);
  const out: string[] = [];
  for (const k of [...new Set([...ra.keys(), ...rb.keys()])].sort()) {
    const x = ra.get(k) ?? [];
    const y = rb.get(k) ?? [];
    const ok =
      x.length === y.length &&
      x.every(([s, e], i) => y[i]![0] - s >= 0 && y[i]![0] - s <= lagSeconds && y[i]![1] - e >= 0 && y[i]![1] - e <= lagSeconds);
    if (!ok) out.push(`${k}: ${JSON.stringify(x)} vs ${JSON.stringify(y)} (lag up to ${lagSeconds}s)`);
  }
  return out;
}

export function differences(a: Map<number, string[]> | undefined, b: Map<number, string[]> | undefined, limit = 10): string[] {
  const steps = [...new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])])].sort((x, y) => x - y);
  const out: string[] = [];
  for (const t of steps) {
    const x = (a?.get(t) ?? []).join(',');
    const y = (b?.get(t) ?? []).join(',');
    if (x !== y) out.push(`t=${t}s: ${x || '-'} vs ${y || '-'}`);
    if (out.length >= limit) break;
  }
  return out;
}
