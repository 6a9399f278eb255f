/**
 * Validation and CLI start-up figures (issue 2, "Done means"):
 * - time to load and validate 1,000 generated SLO specs in one process (goal: < 1 s on one core);
 * - start-up of `node bin/slo.js validate` on the shipped specs and of `--help` (goal: < 0.5 s),
 *   through the prebuilt bundle and through the tsx fallback, and proof that cdktf is not loaded.
 *
 * Run: `npm run bench` (all benches) or `npx tsx bench/validation.bench.ts`. Prints figures and
 * goals; never fails a build.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../slos/load';
import { syntheticSpecFile } from './private/synthetic-specs';

const SPECS = 1000;
const PER_FILE = 10;
const RUNS = 7;
const ROOT = join(__dirname, '..');

/** A spec file of `PER_FILE` SLOs, alternating ratio and latency SLIs, all valid. */
function specFile(service: string): string {
  return syntheticSpecFile(service, { slos: PER_FILE, ratioObjective: (i) => Number(`99.${i}`) });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}

function line(what: string, value: number, goalMs: number): void {
  const verdict = value < goalMs ? 'ok' : 'MISSES GOAL';
  process.stdout.write(`${what.padEnd(58)} ${ms(value).padStart(8)}   (goal < ${goalMs} ms: ${verdict})\n`);
}

function benchValidation(): void {
  const dir = mkdtempSync(join(tmpdir(), 'slo-bench-'));
  try {
    for (let f = 0; f < SPECS / PER_FILE; f++) writeFileSync(join(dir, `svc-${f}.yaml`), specFile(`svc-${f}`));
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const result = loadCatalog({ slosDir: dir });
      times.push(performance.now() - t0);
      if (result.problems.length > 0) throw new Error(`generated specs are invalid: ${result.problems[0]!.message}`);
      count = result.catalog!.slos.length;
    }
    line(`load + validate ${count} SLO specs, first run (cold)`, times[0]!, 1000);
    line(`load + validate ${count} SLO specs, median of ${RUNS - 1} warm runs`, median(times.slice(1)), 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A preload that reports, at exit, whether any cdktf module was loaded. */
function cdktfProbe(dir: string): string {
  const file = join(dir, 'cdktf-probe.js');
  writeFileSync(
    file,
    `process.on('exit', () => {
  const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](cdktf|constructs|@cdktf)[\\\\/]/.test(k));
  require('node:fs').writeSync(2, 'cdktf-modules-loaded=' + loaded.length + '\\n');
});\n`,
  );
  return file;
}

function benchStartup(): void {
  // Measure what `npm ci` leaves behind: rebuild the bundle when a source changed since.
  if (bundleState() !== 'prebuilt bundle') spawnSync(process.execPath, ['bin/bundle.js'], { cwd: ROOT, stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'slo-bench-cli-'));
  try {
    const probe = cdktfProbe(dir);
    for (const mode of ['bundle', 'tsx'] as const) {
      const env = { ...process.env, ...(mode === 'tsx' ? { SLO_NO_BUNDLE: '1' } : {}) };
      for (const args of [['validate'], ['--help']]) {
        const times: number[] = [];
        let status: number | null = null;
        let cdktf = '?';
        for (let r = 0; r < RUNS; r++) {
          const t0 = performance.now();
          const p = spawnSync(process.execPath, ['-r', probe, 'bin/slo.js', ...args], { cwd: ROOT, env, encoding: 'utf8' });
          times.push(performance.now() - t0);
          status = p.status;
          cdktf = /cdktf-modules-loaded=(\d+)/.exec(p.stderr)?.[1] ?? '?';
        }
        const used = mode === 'bundle' ? bundleState() : 'tsx';
        line(`node bin/slo.js ${args.join(' ')} [${used}], median of ${RUNS}`, median(times), 500);
        process.stdout.write(`${''.padEnd(58)} exit ${status}, cdktf modules loaded: ${cdktf}\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the shim would use the prebuilt bundle now. */
function bundleState(): string {
  const p = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(!!require("./bin/slo.js").bundlePath()))'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return p.stdout === 'true' ? 'prebuilt bundle' : 'no fresh bundle: tsx';
}

process.stdout.write(
  `node ${process.version}, one process (single-threaded); load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores (figures scale with it)\n`,
);
benchValidation();
benchStartup();
