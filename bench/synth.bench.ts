/**
 * Synthesis cost of the example environment: wall time and peak memory of synthesizing the whole
 * app (every stack, composed as main.ts composes it) in a fresh process, beside the cost of merely
 * loading `@cdktf/provider-google` by its package root in another fresh process. The goal is a
 * whole synth cheaper than that one import, which deep-path imports make possible.
 *
 * Run by `npm run bench`, or alone: `npx tsx bench/synth.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Figures one measuring process reports. */
interface Figures {
  readonly ms: number;
  readonly maxRssMb: number;
  readonly stacks?: number;
}

const mb = (kb: number): number => Math.round(kb / 1024);

/** Child mode `synth`: loads, composes and synthesizes the example environment, then reports. */
function measureSynth(): void {
  const t0 = performance.now();
  /* eslint-disable @typescript-eslint/no-require-imports -- loading inside the timed region is the point */
  const { App } = require('../constructs/framework') as typeof import('../constructs/framework');
  const { loadEnvironmentOrThrow } = require('../environments/load') as typeof import('../environments/load');
  const { loadCatalog } = require('../slos/load') as typeof import('../slos/load');
  const { composeEnvironment } = require('../stacks/app') as typeof import('../stacks/app');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const env = loadEnvironmentOrThrow('example');
  const { catalog } = loadCatalog({ slosDir: 'slos' });
  if (!catalog) throw new Error('the slo catalog of slos/ is invalid');
  const outdir = mkdtempSync(join(tmpdir(), 'slo-bench-'));
  const app = new App({ outdir });
  composeEnvironment(app, { env, catalog });
  app.synth();
  const ms = performance.now() - t0;
  const stacks = app.node.children.length;
  rmSync(outdir, { recursive: true, force: true });
  const figures: Figures = { ms, maxRssMb: mb(process.resourceUsage().maxRSS), stacks };
  process.stdout.write(JSON.stringify(figures));
}

/** Runs one measuring child process and parses its figures. */
function child(args: string[]): Figures {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: join(__dirname, '..') });
  if (r.status !== 0) throw new Error(`measuring process failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Figures;
}

/** The package-root import, measured in plain node (no TypeScript loader: the kindest baseline). */
const IMPORT_ROOT = `
const { performance } = require('node:perf_hooks');
const t0 = performance.now();
require('@cdktf/provider-google');
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
`;

function main(): void {
  const synth = child(['--import', 'tsx', __filename, 'synth']);
  const root = child(['-e', IMPORT_ROOT]);
  const row = (label: string, f: Figures) =>
    `${label.padEnd(44)} ${f.ms.toFixed(0).padStart(6)} ms ${String(f.maxRssMb).padStart(6)} MB peak RSS`;
  process.stdout.write(`${row(`synth example environment (${synth.stacks} stacks)`, synth)}\n`);
  process.stdout.write(`${row("require('@cdktf/provider-google') (root)", root)}\n`);
  const verdict = synth.ms < root.ms ? 'met' : 'missed';
  process.stdout.write(
    `goal (whole synth faster than the root import): ${verdict}, ${((100 * synth.ms) / root.ms).toFixed(0)} % of its time\n`,
  );
}

if (process.argv[2] === 'synth') measureSynth();
else main();
