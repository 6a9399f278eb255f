/**
 * Synthesis cost (issue 12, item 3): the whole `npm run synth`/`cdktf synth` app process
 * (`node bin/synth.js`: the prebuilt bundle with its V8 code cache) beside a process that merely
 * loads `@cdktf/provider-google` by its package root, each the median of several fresh processes,
 * as wall time, CPU time (user + system: the figure the neighbours of a shared machine disturb
 * least) and peak RSS. Goal: at most 0.3× the root import. The former app (`tsx main.ts`) is
 * shown for comparison. Then the same app for 3, 6 and 12 regions and for 10, 100 and 1,000
 * SLOs (evaluated managed and self-hosted where Cloud Monitoring's limits allow), so growth shows.
 *
 * Run by `npm run bench`, or alone: `npx tsx bench/synth.bench.ts [--runs N] [--scale-runs N]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { syntheticSpecFile } from './private/synthetic-specs';

const ROOT = join(__dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const GOAL_RATIO = 0.3;

/** Figures of one measured process. */
interface Figures {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
}

const work = mkdtempSync(join(tmpdir(), 'slo-synth-bench-'));
/** Preloaded into every measured process: reports its own CPU time and peak RSS on exit. */
const REPORTER = join(work, 'report.js');
writeFileSync(
  REPORTER,
  `process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeFileSync(process.env.SLO_BENCH_REPORT, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMb: u.maxRSS / 1024 }));
});
`,
);

/** Runs `node <args>` once as a fresh process and returns its figures. */
function measure(args: readonly string[], env: Record<string, string> = {}): Figures {
  const report = join(work, 'figures.json');
  const outdir = join(work, 'cdktf.out');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', REPORTER, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, SLO_BENCH_REPORT: report },
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  rmSync(outdir, { recursive: true, force: true });
  const { cpuMs, maxRssMb } = JSON.parse(readFileSync(report, 'utf8')) as Omit<Figures, 'wallMs'>;
  return { wallMs, cpuMs, maxRssMb };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Medians of `runs` interleaved runs of each labelled command. */
function medians(commands: Record<string, () => Figures>, runs: number): Record<string, Figures> {
  const all: Record<string, Figures[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, run] of Object.entries(commands)) all[k]!.push(run());
  return Object.fromEntries(
    Object.entries(all).map(([k, fs]) => [
      k,
      { wallMs: median(fs.map((f) => f.wallMs)), cpuMs: median(fs.map((f) => f.cpuMs)), maxRssMb: median(fs.map((f) => f.maxRssMb)) },
    ]),
  );
}

function row(label: string, f: Figures, base?: Figures): string {
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`.padStart(6);
  const ratios = base
    ? `   ${ratio(f.wallMs, base.wallMs)} wall ${ratio(f.cpuMs, base.cpuMs)} cpu ${ratio(f.maxRssMb, base.maxRssMb)} rss`
    : '';
  return `${label.padEnd(46)} ${f.wallMs.toFixed(0).padStart(6)} ms wall ${f.cpuMs.toFixed(0).padStart(6)} ms cpu ${f.maxRssMb.toFixed(0).padStart(5)} MB${ratios}`;
}

/** The example environment with `count` regions (real GCP region names, one subnet each). */
const REGIONS = [
  'europe-west1',
  'us-central1',
  'asia-northeast1',
  'europe-west4',
  'us-east1',
  'asia-southeast1',
  'europe-west3',
  'us-east4',
  'asia-east1',
  'europe-north1',
  'us-west1',
  'australia-southeast1',
];
function environmentWithRegions(count: number): string {
  return environmentWith(`regions-${count}`, (doc) =>
    doc.setIn(
      ['gcp', 'regions'],
      REGIONS.slice(0, count).map((name, i) => ({ name, ...(i === 0 ? { primary: true } : {}), subnetCidr: `10.${10 + i}.0.0/20` })),
    ),
  );
}

/** The example environment with its SLOs evaluated by `mode` (`sloEvaluation`, environments/schema.ts). */
function environmentEvaluating(mode: 'managed' | 'self-hosted'): string {
  return environmentWith(`evaluation-${mode}`, (doc) => doc.set('sloEvaluation', mode));
}

/** environments/example.yaml changed by `edit`, written to the bench's folder as `<name>.yaml`. */
function environmentWith(name: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(readFileSync(join(ROOT, 'environments', 'example.yaml'), 'utf8'));
  edit(doc);
  const path = join(work, `${name}.yaml`);
  writeFileSync(path, doc.toString());
  return path;
}

/**
 * A spec directory of `count` SLOs: the shipped specs (the environment names their platform SLOs)
 * plus services of ten SLOs each, alternating ratio and latency SLIs, up to `count`.
 */
function specsWithSlos(count: number): string {
  const dir = join(work, `slos-${count}`);
  mkdirSync(dir, { recursive: true });
  const api = readFileSync(join(ROOT, 'slos', 'api.yaml'), 'utf8');
  writeFileSync(join(dir, 'api.yaml'), api);
  const apiSlos = (api.match(/^ {2}- name:/gm) ?? []).length;
  for (let made = apiSlos, s = 0; made < count; s++) {
    const n = Math.min(10, count - made);
    writeFileSync(join(dir, `svc-${s}.yaml`), syntheticSpecFile(`svc-${s}`, { slos: n, ratioObjective: () => 99.5 }));
    made += n;
  }
  return dir;
}

const IMPORT_ROOT = ['-e', "require('@cdktf/provider-google')"];
/** The app's command as `cdktf synth` and `cdktf deploy` run it (cdktf.json `app`), less `node`. */
const SYNTH = (JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app.split(' ').slice(1);

function main(): void {
  // A fresh bundle and a warm code cache, as every synth after the first one finds them.
  measure(SYNTH);
  const head = medians(
    {
      synth: () => measure(SYNTH),
      root: () => measure(IMPORT_ROOT),
      tsx: () => measure(['--import', 'tsx', 'main.ts']),
    },
    RUNS,
  );
  process.stdout.write(`app: node ${SYNTH.join(' ')}; medians of ${RUNS} fresh processes each (ratios against the root import):\n`);
  process.stdout.write(`${row("require('@cdktf/provider-google') (root)", head.root!)}\n`);
  process.stdout.write(`${row('synth example environment (cdktf.json app)', head.synth!, head.root)}\n`);
  process.stdout.write(`${row('  the former app (tsx main.ts)', head.tsx!, head.root)}\n`);
  const ratio = head.synth!.cpuMs / head.root!.cpuMs;
  process.stdout.write(
    `goal (synth at most ${GOAL_RATIO}× the root import, cpu): ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'}, ${ratio.toFixed(2)}× (wall ${(head.synth!.wallMs / head.root!.wallMs).toFixed(2)}×)\n`,
  );
  const scale: Record<string, () => Figures> = {};
  for (const regions of [3, 6, 12]) {
    const env = environmentWithRegions(regions);
    scale[`${regions} regions (${regions + 4} stacks)`] = () => measure(SYNTH, { SLO_ENV: env });
  }
  // With `sloEvaluation: managed` (the default) every alert of an SLO is a Cloud Monitoring alert
  // policy, and 1,000 SLOs need more than the 2,000 policies a project may hold (synth refuses
  // them, naming the SLO past the limit), so that scale point evaluates self-hosted: rule files,
  // no PromQL policies. 10 and 100 SLOs are measured both ways.
  const managed = environmentEvaluating('managed');
  const selfHosted = environmentEvaluating('self-hosted');
  for (const [slos, modes] of [
    [10, ['managed', 'self-hosted']],
    [100, ['managed', 'self-hosted']],
    [1000, ['self-hosted']],
  ] as const) {
    const dir = specsWithSlos(slos);
    for (const mode of modes) {
      const env = mode === 'managed' ? managed : selfHosted;
      scale[`${slos} SLOs, ${mode}`] = () => measure(SYNTH, { SLO_DIR: dir, SLO_ENV: env });
    }
  }
  // One run each by default (a 1,000-SLO synth takes several seconds); --scale-runs N for medians.
  const scaleArg = process.argv.indexOf('--scale-runs');
  const scaleRuns = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
  const scaled = medians(scale, scaleRuns);
  process.stdout.write(`synth at scale (${scaleRuns === 1 ? 'one run each' : `medians of ${scaleRuns}`}):\n`);
  for (const [label, f] of Object.entries(scaled)) process.stdout.write(`${row(`  ${label}`, f)}\n`);
}

try {
  main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
