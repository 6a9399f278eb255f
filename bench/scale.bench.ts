/**
 * Linear generation and validation (issue 12 item 4): `slo generate` and `slo validate` of 1,000
 * and 10,000 synthetic SLOs (bench/private/synthetic-specs.ts, 10 per service), each as the user
 * runs it (`node bin/slo.js`, one process), with its wall time, CPU time (user + system, which a
 * loaded machine inflates less than wall time), peak memory and cost per SLO, so superlinear
 * growth shows as a per-SLO cost that rises with the count.
 * Goals: generate 1,000 SLOs < 1 s, 10,000 < 10 s and < 1 GB; validate 10,000 < 3 s.
 *
 * Run: `npm run bench` (all benches) or `npx tsx bench/scale.bench.ts [--counts 1000,10000]`.
 * Prints figures and goals; never fails a build.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { syntheticSpecFile } from './private/synthetic-specs';

const ROOT = join(__dirname, '..');
const PER_FILE = 10;
const arg = process.argv.indexOf('--counts');
const COUNTS = arg > 0 ? process.argv[arg + 1]!.split(',').map(Number) : [1000, 10000];

/** Goals in ms (and MB) per command and count; none where the issue sets none. */
const GOALS: Record<string, Record<number, { ms?: number; mb?: number }>> = {
  generate: { 1000: { ms: 1000 }, 10000: { ms: 10000, mb: 1024 } },
  validate: { 10000: { ms: 3000 } },
};

/** A preload that writes the process's peak RSS and CPU time (its threads' too) to stderr at exit. */
function usageProbe(dir: string): string {
  const file = join(dir, 'usage-probe.js');
  writeFileSync(
    file,
    `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeSync(2, '\\npeak-rss-kb=' + u.maxRSS + ' cpu-us=' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });\n`,
  );
  return file;
}

interface Figures {
  /** Wall time. */
  readonly ms: number;
  /** User + system CPU time. */
  readonly cpuMs: number;
  /** Peak resident set size. */
  readonly mb: number;
}

function run(probe: string, args: string[]): Figures & { status: number | null; err: string } {
  const t0 = performance.now();
  const p = spawnSync(process.execPath, ['-r', probe, 'bin/slo.js', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  const kb = Number(/peak-rss-kb=(\d+)/.exec(p.stderr)?.[1] ?? NaN);
  const cpuUs = Number(/cpu-us=(\d+)/.exec(p.stderr)?.[1] ?? NaN);
  return { ms, cpuMs: cpuUs / 1000, mb: kb / 1024, status: p.status, err: p.stderr.split('\n')[0] ?? '' };
}

function line(what: string, count: number, r: Figures, goal: { ms?: number; mb?: number } = {}): void {
  const perSlo = `${((r.ms * 1000) / count).toFixed(0)} µs/SLO`;
  const cpu = `CPU ${(r.cpuMs / 1000).toFixed(1)} s (${((r.cpuMs * 1000) / count).toFixed(0)} µs/SLO)`;
  const verdicts = [
    goal.ms !== undefined ? `goal < ${goal.ms} ms: ${r.ms < goal.ms ? 'ok' : 'MISSES GOAL'}` : '',
    goal.mb !== undefined ? `goal < ${goal.mb} MB: ${r.mb < goal.mb ? 'ok' : 'MISSES GOAL'}` : '',
  ].filter(Boolean);
  process.stdout.write(
    `${`${what} ${count} SLOs`.padEnd(24)} ${`${r.ms.toFixed(0)} ms`.padStart(9)}  ${perSlo.padStart(12)}  ${cpu.padStart(28)}  peak ${r.mb.toFixed(0).padStart(5)} MB${verdicts.length ? `   (${verdicts.join('; ')})` : ''}\n`,
  );
}

process.stdout.write(
  `node ${process.version}, node bin/slo.js per run; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores (figures scale with it)\n`,
);
const dir = mkdtempSync(join(tmpdir(), 'slo-bench-scale-'));
try {
  const probe = usageProbe(dir);
  for (const count of COUNTS) {
    const specs = join(dir, `specs-${count}`);
    mkdirSync(specs);
    for (let f = 0; f < count / PER_FILE; f++)
      writeFileSync(
        join(specs, `svc-${f}.yaml`),
        syntheticSpecFile(`svc-${f}`, { slos: PER_FILE, ratioObjective: (i) => Number(`99.${i}`) }),
      );
    const validate = run(probe, ['validate', '--no-docs', '--slos', specs]);
    if (validate.status !== 0) throw new Error(`slo validate failed: ${validate.err}`);
    line('validate', count, validate, GOALS.validate![count]);
    const out = join(dir, `out-${count}`);
    const generate = run(probe, ['generate', '--slos', specs, '--out', out]);
    if (generate.status !== 0) throw new Error(`slo generate failed: ${generate.err}`);
    line('generate', count, generate, GOALS.generate![count]);
    rmSync(out, { recursive: true, force: true });
    rmSync(specs, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
