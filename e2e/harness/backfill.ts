/**
 * History for a Prometheus that has not started yet: samples from a generator, written as
 * OpenMetrics text and turned into TSDB blocks by `promtool tsdb create-blocks-from openmetrics`
 * in the server's data directory (https://prometheus.io/docs/prometheus/latest/storage/#backfilling-from-openmetrics-format).
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run } from './processes';

/** One series and its samples, oldest first. */
export interface BackfillSeries {
  /** Metric name, as scraped (`http_requests_total`). */
  readonly name: string;
  /** Every label of the stored series, the scrape's target labels (`job`, `instance`, ...) included. */
  readonly labels: Readonly<Record<string, string>>;
  /** `[Unix milliseconds, value]`, strictly increasing in time. */
  readonly samples: Iterable<readonly [number, number]>;
}

/** What a backfill wrote. */
export interface BackfillResult {
  readonly series: number;
  readonly samples: number;
  /** Blocks written. */
  readonly blocks: number;
  readonly seconds: number;
}

/** Sample times from `startMs` to `endMs` (both included when on the grid), every `stepMs`, aligned to multiples of the step. */
export function* sampleTimes(startMs: number, endMs: number, stepMs: number): Generator<number> {
  for (let t = Math.ceil(startMs / stepMs) * stepMs; t <= endMs; t += stepMs) yield t;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The OpenMetrics sample line prefix of a series: `name{a="1",b="2"}` (labels sorted). */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`)
    .join(',');
  return `${name}{${body}}`;
}

/**
 * Span of each block written: 54 h, one of the ranges promtool accepts (2 h × 3^n; its hidden
 * `--max-block-duration` flag). promtool reads its whole input once per block and each block costs
 * a few hundred milliseconds of fsync, so a week in 2-hour blocks (84) would take minutes.
 */
const BLOCK_HOURS = 54;
const BLOCK_MS = BLOCK_HOURS * 3600 * 1000;

/**
 * Writes `series` as OpenMetrics files, one per block range (`<dir>/<block start>.om.txt`,
 * series after series, each in time order), and returns the files and counts. promtool reads its
 * whole input once for every block it builds, so one file per block keeps the import linear and
 * lets several promtool processes share the work.
 */
export async function writeOpenMetrics(
  dir: string,
  series: Iterable<BackfillSeries>,
): Promise<{ files: string[]; series: number; samples: number }> {
  const files = new Map<number, { path: string; out: ReturnType<typeof createWriteStream>; buffer: string }>();
  const flush = async (f: { out: ReturnType<typeof createWriteStream>; buffer: string }) => {
    const chunk = f.buffer;
    f.buffer = '';
    if (!f.out.write(chunk)) await once(f.out, 'drain');
  };
  let seriesCount = 0;
  let samples = 0;
  try {
    for (const s of series) {
      seriesCount++;
      const key = seriesKey(s.name, s.labels);
      let last = -Infinity;
      for (const [t, v] of s.samples) {
        if (t <= last) throw new Error(`backfill: samples of ${key} are not in time order (${t} after ${last})`);
        last = t;
        const block = Math.floor(t / BLOCK_MS) * BLOCK_MS;
        let f = files.get(block);
        if (!f) {
          const path = join(dir, `${block}.om.txt`);
          f = { path, out: createWriteStream(path), buffer: '' };
          files.set(block, f);
        }
        f.buffer += `${key} ${formatValue(v)} ${t / 1000}\n`;
        samples++;
        if (f.buffer.length > 1 << 18) await flush(f);
      }
    }
  } catch (e) {
    // Close what was opened, so no stream writes into a folder the caller removes.
    await Promise.all([...files.values()].map((f) => (f.out.closed ? undefined : (f.out.destroy(), once(f.out, 'close')))));
    throw e;
  }
  for (const f of files.values()) {
    f.buffer += '# EOF\n';
    await flush(f);
    f.out.end();
    await once(f.out, 'finish');
  }
  return { files: [...files.values()].map((f) => f.path).sort(), series: seriesCount, samples };
}

/**
 * Writes `series` into TSDB blocks under `tsdbDir` (Prometheus' `--storage.tsdb.path`), to be
 * loaded when the server starts there. Every sample must be older than the server's first
 * scrape, so the blocks never overlap its head. `parallel` promtool processes run at a time.
 */
export async function backfill(promtool: string, tsdbDir: string, series: Iterable<BackfillSeries>, parallel = 2): Promise<BackfillResult> {
  const started = Date.now();
  const work = makeTempDir('openmetrics');
  const { files, ...counts } = await writeOpenMetrics(work, series);
  mkdirSync(tsdbDir, { recursive: true });
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${BLOCK_HOURS}h`, file, tsdbDir], {
        timeoutMs: 300_000,
      });
      rmSync(file);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  rmSync(work, { recursive: true, force: true });
  return { ...counts, blocks: files.length, seconds: (Date.now() - started) / 1000 };
}

/** The labels Prometheus gives each target of `job` after relabelling, by Prometheus' own code (`promtool check service-discovery`). */
export async function targetLabels(promtool: string, configFile: string, job: string): Promise<Record<string, string>[]> {
  // Static configs are discovered at once; the timeout only bounds the wait for other mechanisms.
  const out = await run(promtool, ['check', 'service-discovery', '--timeout=1s', configFile, job], { timeoutMs: 60_000 });
  const targets = JSON.parse(out.slice(out.indexOf('['))) as { labels: Record<string, string> }[];
  return targets.map((t) => Object.fromEntries(Object.entries(t.labels).filter(([k]) => !k.startsWith('__'))));
}
