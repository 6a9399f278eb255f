/**
 * Rule cost: what one evaluation of each rule costs Prometheus, ours against Sloth's rule shape
 * for the same SLIs, on 30 days of synthetic data (bench/private/rule-cost/traffic.ts) in a real
 * Prometheus. Goal: ours at most 0.8× Sloth's CPU per SLO. Also the whole-window error ratio each
 * computes against the exact ratio of the generated counters (goal: ours within 0.5 %, relative).
 *
 *   npx tsx bench/rule-cost.bench.ts [--scale default|large] [--repetitions N] [--keep]
 *
 * The default scale (180 raw series, 7.8 M samples) takes a few minutes on 2 cores, most of it
 * writing the TSDB and waiting for Prometheus's first compaction; `large` has 10× the series.
 */
import { parseArgs } from 'node:util';
import {
  backfill,
  cleanup,
  findTools,
  installCleanupHandlers,
  keepTemporaryDirectories,
  makeTempDir,
  MissingToolError,
} from '../e2e/harness';
import { humanDuration } from '../slos/duration';
import { BenchPrometheus, measureRules, OVERHEAD_QUERY, type RuleCost } from './private/rule-cost/measure';
import { backfillLevels } from './private/rule-cost/plan';
import { ruleSets, type RuleSet } from './private/rule-cost/rule-sets';
import { SCALES, SyntheticTraffic } from './private/rule-cost/traffic';

/** Ours may cost at most this share of Sloth's CPU per SLO (issue 12). */
const COST_GOAL = 0.8;
/** Our whole-window ratio may differ from the exact one by at most this share of it. */
const ACCURACY_GOAL = 0.005;

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'default' },
    repetitions: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
const scaleName = args.scale as keyof typeof SCALES;
if (!(scaleName in SCALES)) {
  console.error(`rule-cost: --scale must be one of ${Object.keys(SCALES).join(', ')}, got ${JSON.stringify(args.scale)}`);
  process.exit(2);
}
const repetitions = Number(args.repetitions);
if (!Number.isInteger(repetitions) || repetitions < 1) {
  console.error(`rule-cost: --repetitions must be a whole number of at least 1, got ${JSON.stringify(args.repetitions)}`);
  process.exit(2);
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;
const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, digits = 1) => x.toFixed(digits).padStart(9);
const millions = (x: number) => `${(x / 1e6).toFixed(2)} M`;

function ruleLabel(c: RuleCost): string {
  if (c.rule.kind === 'record') return c.rule.name;
  const severity = c.rule.labels['severity'];
  return `alert ${c.rule.name}${severity ? ` (${severity})` : ''}`;
}

function printRules(costs: readonly RuleCost[]): void {
  console.log(
    `per rule, one evaluation at the end of the data (engine time: median of ${repetitions}; Prometheus process CPU: mean of ${repetitions}):`,
  );
  console.log(
    `  ${pad('shape', 6)}${pad('SLO', 23)}${pad('rule', 52)}${'samples'.padStart(12)}${'eval ms'.padStart(9)}${'CPU ms'.padStart(9)}`,
  );
  for (const c of costs) {
    console.log(
      `  ${pad(c.set.shape, 6)}${pad(c.set.slo, 23)}${pad(ruleLabel(c), 52)}${String(c.samples).padStart(12)}${num(c.evalSeconds * 1000)}${num(c.cpuSeconds * 1000, 0)}`,
    );
  }
}

function totals(costs: readonly RuleCost[], set: RuleSet) {
  const mine = costs.filter((c) => c.set === set);
  return {
    rules: mine.length,
    samples: mine.reduce((n, c) => n + c.samples, 0),
    evalSeconds: mine.reduce((n, c) => n + c.evalSeconds, 0),
    cpuSeconds: mine.reduce((n, c) => n + c.cpuSeconds, 0),
  };
}

function printTotals(costs: readonly RuleCost[], sets: readonly RuleSet[], overheadCpuSeconds: number): void {
  console.log(
    `per SLO, one evaluation of all its rules; CPU less the API's own cost of a query (${(overheadCpuSeconds * 1000).toFixed(1)} ms, ` +
      `the CPU of \`${OVERHEAD_QUERY}\`), which a rule evaluated by Prometheus's rule manager does not pay; goal: ours ≤ ${COST_GOAL}× Sloth's CPU:`,
  );
  for (const slo of [...new Set(sets.map((s) => s.slo))]) {
    const ours = totals(
      costs,
      sets.find((s) => s.slo === slo && s.shape === 'ours')!,
    );
    const sloth = totals(
      costs,
      sets.find((s) => s.slo === slo && s.shape === 'sloth')!,
    );
    const net = (t: typeof ours) => t.cpuSeconds - t.rules * overheadCpuSeconds;
    const describe = (t: typeof ours) =>
      `${(net(t) * 1000).toFixed(0)} ms CPU (${(t.cpuSeconds * 1000).toFixed(0)} ms through the API), ` +
      `${(t.evalSeconds * 1000).toFixed(1)} ms engine, ${millions(t.samples)} samples, ${t.rules} rules`;
    const ratio = net(ours) / net(sloth);
    console.log(`  ${slo}: ours ${describe(ours)}; Sloth ${describe(sloth)}`);
    console.log(
      `    ours/Sloth: ${ratio.toFixed(2)}× CPU (goal ≤ ${COST_GOAL}×: ${ratio <= COST_GOAL ? 'met' : 'NOT met'}), ` +
        `${(ours.cpuSeconds / sloth.cpuSeconds).toFixed(2)}× through the API, ` +
        `${(ours.evalSeconds / sloth.evalSeconds).toFixed(2)}× engine time, ${(ours.samples / sloth.samples).toFixed(2)}× samples`,
    );
  }
}

function printAccuracy(costs: readonly RuleCost[], sets: readonly RuleSet[], traffic: SyntheticTraffic): void {
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(3)} %`;
  console.log(
    `whole-window error ratio at the end of the data against the exact ratio of the generated counters (goal: ours within ±${ACCURACY_GOAL * 100} %):`,
  );
  for (const slo of [...new Set(sets.map((s) => s.slo))]) {
    const ours = sets.find((s) => s.slo === slo && s.shape === 'ours')!;
    const sloth = sets.find((s) => s.slo === slo && s.shape === 'sloth')!;
    const exact = traffic.exactCounts(ours.service, ours.windowSeconds);
    const truth = exact.bad / exact.total;
    const value = (set: RuleSet) => costs.find((c) => c.set === set && c.rule === set.wholeWindowRecord)?.values[0] ?? NaN;
    const o = value(ours);
    const s = value(sloth);
    const off = o / truth - 1;
    console.log(
      `  ${slo} over ${ours.windowSeconds / 86400} d: exact ${truth.toPrecision(6)} (${exact.bad} of ${exact.total} events); ` +
        `ours ${o.toPrecision(6)} (${signed(off)}, ${Math.abs(off) <= ACCURACY_GOAL ? 'met' : 'NOT met'}); ` +
        `Sloth's mean of 5 m ratios ${s.toPrecision(6)} (${signed(s / truth - 1)})`,
    );
  }
}

async function main(): Promise<void> {
  installCleanupHandlers();
  keepTemporaryDirectories(args.keep);
  const tools = findTools(['prometheus', 'promtool']);
  const scale = SCALES[scaleName];
  const traffic = new SyntheticTraffic(scale);
  const sets = ruleSets();
  const dataDir = makeTempDir('rule-cost');
  console.log(
    `${traffic.seriesCount()} raw series (${scaleName} scale: ${scale.instances} instances × ${scale.routes} routes per service; ` +
      `checkout: 4 status codes; search: a histogram of 9 buckets, _count and _sum), ${scale.days} d at ${scale.stepSeconds} s, diurnal traffic, restarts, incidents`,
  );

  let t = Date.now();
  const raw = await backfill(tools.promtool, `${dataDir}/tsdb`, traffic.series());
  console.log(
    `  raw data: ${millions(raw.samples)} samples in ${raw.blocks} blocks (promtool tsdb create-blocks-from openmetrics): ${seconds(t)}`,
  );

  const prometheus = new BenchPrometheus(tools, dataDir);
  await prometheus.start();
  t = Date.now();
  const levels = backfillLevels(sets);
  for (const level of levels) await prometheus.backfillRecords(level, traffic.endSeconds);
  const recorded = levels.flat();
  const ranged = recorded
    .filter((n) => n.spanSeconds > 0)
    .map((n) => `${n.set.shape} ${n.set.slo} ${n.rule.name} over ${humanDuration(n.spanSeconds)}`);
  console.log(
    `  recorded series the rules read (promtool tsdb create-blocks-from rules, ${levels.length} levels): ${recorded.length - ranged.length} at the end only` +
      `${ranged.length > 0 ? `; ${ranged.join(', ')}` : ''}: ${seconds(t)}`,
  );
  t = Date.now();
  await prometheus.settle();
  console.log(`  waited for Prometheus's compaction of the backfilled blocks: ${seconds(t)}`);

  t = Date.now();
  const { costs, overheadCpuSeconds } = await measureRules(prometheus, sets, traffic.endSeconds, repetitions);
  console.log(`  measured ${costs.length} rules × ${repetitions + 1}: ${seconds(t)}`);
  await prometheus.stop();

  printRules(costs);
  printTotals(costs, sets, overheadCpuSeconds);
  printAccuracy(costs, sets, traffic);
}

main()
  .catch((e: unknown) => {
    console.error(e instanceof MissingToolError ? e.message : `rule-cost: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
