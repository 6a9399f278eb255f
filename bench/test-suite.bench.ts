/**
 * The test suite's own cost (issue 12 item 5): `npm test` on a fresh clone of this checkout's
 * HEAD, nothing beside it and no cache (after `npm ci`, which is not timed), then again in the
 * same clone with its caches warm, as a developer's next run finds them. Each run prints its wall
 * time, the CPU of every process it started, the machine's load beside it and the summary line of
 * each check (scripts/test.js). Goal: the fresh run under 45 s on 2 quiet cores.
 *
 * Run by `npm run bench`, or alone: `npx tsx bench/test-suite.bench.ts [--keep] [--jest <pattern>]`
 * (`--jest` passes a test path pattern to jest, as `npm test -- <pattern>` does: the static checks
 * and those suites only, e.g. to try the bench itself).
 * Prints figures and the goal; never fails a build (a failing `npm test` is reported as such).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const GOAL_SECONDS = 45;
const keep = process.argv.includes('--keep');
const jestArg = process.argv.indexOf('--jest');
const JEST_PATTERN = jestArg > 0 ? process.argv[jestArg + 1] : undefined;

/** Seconds of `[0-9]+m[0-9.]+s`, as the shell's `times` prints them. */
function shellSeconds(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!m) throw new Error(`unexpected time ${JSON.stringify(text)} from the shell's times`);
  return Number(m[1]) * 60 + Number(m[2]);
}

interface Run {
  readonly wallS: number;
  readonly cpuS: number;
  readonly status: number | null;
  readonly summary: string[];
  readonly load: string;
}

/** `npm test` in `dir`: wall time, and user + system CPU of every process it started (`times`). */
function npmTest(dir: string): Run {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const t0 = process.hrtime.bigint();
  // `times` prints the shell's own times, then those of its finished children (npm and all below).
  const r = spawnSync(
    'sh',
    ['-c', 'npm test -- "$@" >npm-test.log 2>&1; status=$?; times; exit $status', 'sh', ...(JEST_PATTERN ? [JEST_PATTERN] : [])],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const children = r.stdout.trim().split('\n').pop()!.trim().split(/\s+/);
  const cpuS = shellSeconds(children[0]!) + shellSeconds(children[1]!);
  const log = readFileSync(join(dir, 'npm-test.log'), 'utf8');
  // scripts/test.js ends with one line per check: `npm test: ok|FAILED <check> <s> s`.
  const summary = log.split('\n').filter((l) => /^npm test: (ok|FAILED) /.test(l));
  return { wallS, cpuS, status: r.status, summary, load };
}

function report(label: string, run: Run, goal?: number): void {
  const verdict = goal === undefined ? '' : `   goal < ${goal} s: ${run.wallS < goal ? 'met' : 'MISSED'}`;
  const status = run.status === 0 ? '' : `   npm test FAILED (exit ${run.status})`;
  process.stdout.write(
    `${label.padEnd(34)} ${run.wallS.toFixed(1).padStart(6)} s wall ${run.cpuS.toFixed(1).padStart(7)} s cpu   load ${run.load}${verdict}${status}\n`,
  );
  for (const line of run.summary) process.stdout.write(`    ${line}\n`);
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'slo-test-bench-'));
  const clone = join(work, 'slo-platform');
  try {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim();
    const t0 = process.hrtime.bigint();
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: clone, stdio: 'ignore' });
    const ciS = Number(process.hrtime.bigint() - t0) / 1e9;
    const only = JEST_PATTERN ? ` -- ${JEST_PATTERN} (not the whole suite: no goal)` : '';
    process.stdout.write(
      `npm test${only} of a fresh clone of ${head} on ${cpus().length} cores (npm ci first: ${ciS.toFixed(0)} s, not counted):\n`,
    );
    report('fresh clone, no cache', npmTest(clone), JEST_PATTERN ? undefined : GOAL_SECONDS);
    report('same clone, caches warm', npmTest(clone));
  } finally {
    if (keep) process.stdout.write(`kept ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main();
