/**
 * The recorded series a server running the generated rules for the whole history would hold.
 * Windows of a day or more are summed from recorded 5-minute rates (`sum_over_time` of
 * `slo:sli_error:rate5m` and `slo:sli_total:rate5m`); a Prometheus started on backfilled raw
 * history has those records only from its start, so its 3-day, 7-day and 30-day ratios would see
 * minutes instead of days, and a short blip would spend the whole budget. The run therefore
 * evaluates the generated recording rules over the history through a Prometheus serving it and
 * writes the results back before the servers start ({@link importRecordings}).
 * Which rules: every recording rule whose record another rule reads over a range.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { prometheusDurationSeconds } from '../../slos/duration';
import { recordInliner } from '../../alerts/prometheus/inline';
import { vectorSelectors } from '../../slos/promql';
import { backfill, makeTempDir, seriesKey, startPrometheus, type BackfillSeries } from '../harness';

interface RuleYaml {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}
interface GroupYaml {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly RuleYaml[];
}

/**
 * The groups of `ruleFiles` cut down to the recording rules whose record some rule reads over a
 * range (the base rates that summed windows add up), each with the records it reads written
 * inline (a latency SLI's error rate reads its recorded total) by the inliner that writes the
 * Cloud Monitoring conditions (alerts/prometheus/inline.ts), so the import can evaluate all of
 * them in one pass over raw series: it cannot read what it is writing.
 */
export function rangeReadRecordings(ruleFiles: readonly string[]): GroupYaml[] {
  const groups = ruleFiles.flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: GroupYaml[] }).groups);
  const recordingRules = groups.flatMap((g) =>
    g.rules.flatMap((r) => (r.record ? [{ record: r.record, expr: r.expr, labels: r.labels ?? {} }] : [])),
  );
  const records = new Set(recordingRules.map((r) => r.record));
  const inline = recordInliner(recordingRules);
  const needed = new Set(
    groups.flatMap((g) =>
      g.rules.flatMap((r) =>
        vectorSelectors(r.expr)
          .filter((s) => s.range && records.has(s.metric))
          .map((s) => s.metric),
      ),
    ),
  );
  let i = 0;
  return groups.flatMap((g) => {
    const rules = g.rules.flatMap((r) => {
      if (!r.record) return [];
      const self = recordingRules[i++]!;
      return needed.has(r.record) ? [{ ...r, expr: inline(r.expr, g.interval ?? '1m', self).expr }] : [];
    });
    return rules.length === 0 ? [] : [{ name: g.name, ...(g.interval ? { interval: g.interval } : {}), rules }];
  });
}

/** One stretch of history to evaluate the recording rules over. */
export interface RecordRange {
  readonly fromMs: number;
  readonly toMs: number;
  /**
   * Evaluation step: the raw samples' spacing where it is coarser than the rules' interval (a 5m
   * rate needs two samples in its window).
   *
   * @default - each group's own interval
   */
  readonly stepMs?: number;
  /**
   * Write each value at its time and repeated back over the step before it, every group interval,
   * as a server evaluating the group all along would have held a series of about that value. A
   * summed window adds one sample per evaluation, so records on a grid coarser than the group's
   * interval would weigh less than the minutes the server records live; filled, every minute of
   * the history weighs the same.
   *
   * @default false
   */
  readonly fill?: boolean;
}

/**
 * Evaluates the recording rules `groups` over each of `ranges` against the TSDB in `dataDir` and
 * writes the results into it, as a server running the rules all along would hold them. A
 * Prometheus serves the TSDB meanwhile (no scrape, no rules); each rule is one `query_range` per
 * range, written back with the same OpenMetrics backfill as the raw history (promtool's rule
 * importer does the same evaluation but took minutes for a week of 26 rules).
 */
export async function importRecordings(
  tools: { prometheus: string; promtool: string },
  dataDir: string,
  groups: readonly GroupYaml[],
  ranges: readonly RecordRange[],
  defaultIntervalMs: number,
): Promise<number> {
  const rules = groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.record
        ? [{ ...r, record: r.record, intervalMs: g.interval ? prometheusDurationSeconds(g.interval) * 1000 : defaultIntervalMs }]
        : [],
    ),
  );
  if (rules.length === 0 || ranges.length === 0) return 0;
  const work = makeTempDir('records');
  const config = join(work, 'prometheus.yml');
  writeFileSync(config, stringify({ global: {} }));
  const series = new Map<string, { name: string; labels: Record<string, string>; samples: (readonly [number, number])[] }>();
  const server = await startPrometheus({ binary: tools.prometheus, configFile: config, dataDir, name: 'prometheus-records', logDir: work });
  try {
    for (const range of ranges)
      for (const r of rules) {
        const stepMs = range.stepMs ?? r.intervalMs;
        const fillMs = range.fill ? r.intervalMs : stepMs;
        if (stepMs % fillMs !== 0)
          throw new Error(`records: ${r.record}'s interval (${fillMs} ms) does not divide the step (${stepMs} ms)`);
        const step = stepMs / 1000;
        const start = (Math.ceil(range.fromMs / stepMs) * stepMs) / 1000;
        const end = (Math.floor(range.toMs / stepMs) * stepMs) / 1000;
        // query_range answers at most 11,000 points per series: ask in chunks.
        const chunk = 10_000 * step;
        for (let from = start; from <= end; from += chunk + step)
          for (const { metric, points } of await server.api.queryRange(r.expr, from, Math.min(end, from + chunk), step)) {
            const labels = { ...Object.fromEntries(Object.entries(metric).filter(([k]) => k !== '__name__')), ...(r.labels ?? {}) };
            const key = seriesKey(r.record, labels);
            const s = series.get(key) ?? { name: r.record, labels, samples: [] };
            series.set(key, s);
            for (const [t, v] of points) for (let back = stepMs - fillMs; back >= 0; back -= fillMs) s.samples.push([t * 1000 - back, v]);
          }
      }
  } finally {
    await server.stop();
  }
  // One series per record and label set, its samples in time order (ranges may come in any order).
  const out: BackfillSeries[] = [...series.values()].map((s) => ({ ...s, samples: s.samples.sort((a, b) => a[0] - b[0]) }));
  const result = await backfill(tools.promtool, join(dataDir, 'tsdb'), out, 1);
  return result.samples;
}
