/**
 * Running the rule-cost bench against a real Prometheus: backfill the recorded series the rules
 * read (`plan.ts`) with `promtool tsdb create-blocks-from rules`, then evaluate every rule's
 * expression as an instant query at the end of the data, with Prometheus's query statistics
 * (`stats=all`: samples read, evaluation time) and the server's process CPU from /proc.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { fetchJson, makeTempDir, run, sleep, startPrometheus, type PrometheusServer } from '../../../e2e/harness';
import type { BackfillNeed } from './plan';
import type { BenchRule, RuleSet } from './rule-sets';

/** The Prometheus the bench measures: restarted after each backfill so it loads the new blocks. */
export class BenchPrometheus {
  private server: PrometheusServer | undefined;
  private readonly configFile: string;

  constructor(
    private readonly binaries: { prometheus: string; promtool: string },
    /** Data directory; its `tsdb/` holds the backfilled blocks. */
    readonly dataDir: string,
  ) {
    this.configFile = join(dataDir, 'prometheus.yml');
    // No scrape and no rule file: the bench evaluates every rule itself, so nothing else runs.
    writeFileSync(this.configFile, 'global:\n  evaluation_interval: 1m\n');
  }

  get url(): string {
    if (!this.server) throw new Error('prometheus is not running');
    return this.server.url;
  }

  get pid(): number {
    if (!this.server) throw new Error('prometheus is not running');
    return this.server.process.pid;
  }

  async start(): Promise<void> {
    await this.stop();
    this.server = await startPrometheus({
      binary: this.binaries.prometheus,
      configFile: this.configFile,
      dataDir: this.dataDir,
      retention: '60d',
    });
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  /**
   * Writes the recorded series of one backfill level with promtool's rule importer (which queries
   * this server), then restarts the server on the new blocks. Rules of one span share a file.
   */
  async backfillRecords(needs: readonly BackfillNeed[], endSeconds: number): Promise<void> {
    const work = makeTempDir('rule-cost-records');
    const out = join(work, 'blocks');
    mkdirSync(out);
    const bySpan = new Map<string, BackfillNeed[]>();
    for (const n of needs) {
      const key = `${n.spanSeconds + n.set.intervalSeconds}/${n.set.intervalSeconds}`;
      bySpan.set(key, [...(bySpan.get(key) ?? []), n]);
    }
    let file = 0;
    for (const [key, group] of bySpan) {
      const [back, interval] = key.split('/').map(Number) as [number, number];
      const path = join(work, `records-${file++}.yaml`);
      const rules = group.map(({ rule }) => ({ record: rule.name, expr: rule.expr, labels: rule.labels }));
      writeFileSync(
        path,
        stringify({ groups: [{ name: `rule-cost-backfill-${file}`, interval: `${interval}s`, rules }] }, { lineWidth: 0 }),
      );
      await run(
        this.binaries.promtool,
        [
          'tsdb',
          'create-blocks-from',
          '--quiet',
          // Blocks as long as the raw data's (e2e/harness/backfill.ts), so they line up with them.
          '--max-block-duration=54h',
          'rules',
          `--url=${this.url}`,
          `--start=${endSeconds - back}`,
          `--end=${endSeconds}`,
          `--eval-interval=${interval}s`,
          `--output-dir=${out}`,
          path,
        ],
        { timeoutMs: 1_800_000 },
      );
    }
    for (const block of readdirSync(out)) renameSync(join(out, block), join(this.dataDir, 'tsdb', block));
    await this.start();
  }

  /**
   * CPU time of each of the server's threads so far, nanoseconds (`/proc/<pid>/task/<tid>/schedstat`,
   * first field: time on a CPU; exact to the nanosecond, where `/proc/<pid>/stat` counts 10 ms ticks).
   */
  cpuSnapshot(): Map<string, number> {
    const out = new Map<string, number>();
    for (const tid of readdirSync(`/proc/${this.pid}/task`)) {
      try {
        out.set(tid, Number(readFileSync(`/proc/${this.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
      } catch {
        // The thread exited between the listing and the read.
      }
    }
    return out;
  }

  /** CPU seconds the server used since `snapshot` (a thread that exited meanwhile loses its last slice). */
  cpuSecondsSince(snapshot: ReadonlyMap<string, number>): number {
    let ns = 0;
    for (const [tid, now] of this.cpuSnapshot()) ns += now - (snapshot.get(tid) ?? 0);
    return ns / 1e9;
  }

  /**
   * Waits until the server is idle: Prometheus compacts overlapping blocks (the backfilled
   * records beside the raw data) on its first minute tick, and that work must not be counted
   * against any rule. Idle means under 2 % of a core over `quietSeconds`, after the first tick.
   */
  async settle(quietSeconds = 3, maxSeconds = 240): Promise<number> {
    const started = Date.now();
    for (;;) {
      const before = this.cpuSnapshot();
      await sleep(quietSeconds * 1000);
      const used = this.cpuSecondsSince(before);
      const triggered = await this.metric('prometheus_tsdb_compactions_triggered_total');
      if ((triggered >= 1 && used < 0.02 * quietSeconds) || Date.now() - started > maxSeconds * 1000) return (Date.now() - started) / 1000;
    }
  }

  /** A counter or gauge of the server's own /metrics (summed over its series; 0 when absent). */
  async metric(name: string): Promise<number> {
    const res = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.split(/[{ ]/, 1)[0] !== name) continue;
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  /** One instant query at `timeSeconds` with Prometheus's statistics. */
  async query(expr: string, timeSeconds: number): Promise<QueryResult> {
    const body = new URLSearchParams({ query: expr, time: String(timeSeconds), stats: 'all' });
    const res = await fetchJson<{
      status: string;
      error?: string;
      data: {
        result: { metric: Record<string, string>; value: [number, string] }[];
        stats: { timings: { evalTotalTime: number }; samples: { totalQueryableSamples: number } };
      };
    }>(`${this.url}/api/v1/query`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 600_000);
    if (res.status !== 'success') throw new Error(`prometheus query ${expr}: ${res.error ?? 'error'}`);
    return {
      values: res.data.result.map((r) => Number(r.value[1])),
      evalSeconds: res.data.stats.timings.evalTotalTime,
      samples: res.data.stats.samples.totalQueryableSamples,
    };
  }
}

/** What one instant query returned and cost. */
export interface QueryResult {
  readonly values: readonly number[];
  /** Prometheus's `evalTotalTime`: the engine's time for the query, seconds. */
  readonly evalSeconds: number;
  /** `totalQueryableSamples`: samples the query read. */
  readonly samples: number;
}

/** The cost of one evaluation of one rule. */
export interface RuleCost {
  readonly set: RuleSet;
  readonly rule: BenchRule;
  /** Samples read by one evaluation. */
  readonly samples: number;
  /** Median engine time of one evaluation, seconds. */
  readonly evalSeconds: number;
  /** Prometheus process CPU per evaluation (mean over the repetitions), seconds. */
  readonly cpuSeconds: number;
  /** The values of its result at the end of the data. */
  readonly values: readonly number[];
}

/** The expression whose CPU is the API's own cost of a query (HTTP, parsing, JSON, statistics): it reads nothing. */
export const OVERHEAD_QUERY = 'vector(1)';
const OVERHEAD_RUNS = 10;

/**
 * Evaluates every rule of every set `repetitions` times at `timeSeconds`, round-robin (so a change
 * of the machine's load touches every rule alike), after one warm-up round; `OVERHEAD_QUERY` runs
 * in the same rounds, so the API's cost of a query can be told from the rule's.
 */
export async function measureRules(
  prometheus: BenchPrometheus,
  sets: readonly RuleSet[],
  timeSeconds: number,
  repetitions: number,
): Promise<{ costs: RuleCost[]; overheadCpuSeconds: number }> {
  // The API's cost is a millisecond or two, so it runs ten times a round to average out the noise.
  const exprs = [...sets.flatMap((set) => set.rules.map((rule) => rule.expr)), ...Array<string>(OVERHEAD_RUNS).fill(OVERHEAD_QUERY)];
  const results: QueryResult[] = [];
  for (const expr of exprs) results.push(await prometheus.query(expr, timeSeconds));
  const evals = exprs.map(() => [] as number[]);
  const cpu = exprs.map(() => 0);
  for (let rep = 0; rep < repetitions; rep++) {
    for (let i = 0; i < exprs.length; i++) {
      const before = prometheus.cpuSnapshot();
      const r = await prometheus.query(exprs[i]!, timeSeconds);
      cpu[i]! += prometheus.cpuSecondsSince(before);
      evals[i]!.push(r.evalSeconds);
    }
  }
  const costs = sets
    .flatMap((set) => set.rules.map((rule) => ({ set, rule })))
    .map(({ set, rule }, i) => ({
      set,
      rule,
      samples: results[i]!.samples,
      evalSeconds: median(evals[i]!),
      cpuSeconds: cpu[i]! / repetitions,
      values: results[i]!.values,
    }));
  const overhead = cpu.slice(exprs.length - OVERHEAD_RUNS).reduce((a, b) => a + b, 0);
  return { costs, overheadCpuSeconds: overhead / (repetitions * OVERHEAD_RUNS) };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
