/**
 * The recorded series a server running the generated rules for the whole history would hold.
 * Windows of a day or more are summed from recorded 5-minute rates (`sum_over_time` of
 * `slo:sli_error:rate5m` and `slo:sli_total:rate5m`); a Prometheus started on backfilled raw
 * history has those records only from its start, so its 3-day, 7-day and 30-day ratios would see
 * minutes instead of days, and a short blip would spend the whole budget. The run therefore
 * imports them with promtool's rule importer (`promtool tsdb create-blocks-from rules`), which
 * evaluates the generated recording rules over the history through a Prometheus serving it.
 * Which rules: every recording rule whose record another rule reads over a range.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { vectorSelectors } from '../../slos/promql';
import { backfill, makeTempDir, startPrometheus, type BackfillSeries } from '../harness';

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
 * range (the base rates that summed windows add up), each with the records it reads from its own
 * group written inline (a latency SLI's error rate reads its recorded total), so the importer can
 * evaluate all of them in one pass over raw series: it cannot read what it is writing.
 */
export function rangeReadRecordings(ruleFiles: readonly string[]): GroupYaml[] {
  const groups = ruleFiles.flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: GroupYaml[] }).groups);
  const records = new Set(groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
  const needed = new Set(
    groups.flatMap((g) =>
      g.rules.flatMap((r) =>
        vectorSelectors(r.expr)
          .filter((s) => s.range && records.has(s.metric))
          .map((s) => s.metric),
      ),
    ),
  );
  return groups.flatMap((g) => {
    const rules = g.rules
      .filter((r) => r.record && needed.has(r.record))
      .map((r) => ({ ...r, expr: inlineRecords(g, r.expr, [r.record!]) }));
    return rules.length === 0 ? [] : [{ name: g.name, ...(g.interval ? { interval: g.interval } : {}), rules }];
  });
}

/**
 * `expr` with every selector of a record defined in `group` replaced by that record's expression
 * (recursively). A group's records carry the group's SLO labels and its selectors name exactly
 * those, so the record's own (label-less) expression stands for the selector.
 */
function inlineRecords(group: GroupYaml, expr: string, seen: readonly string[] = []): string {
  let out = expr;
  for (const r of group.rules) {
    if (!r.record) continue;
    const escaped = r.record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const selector = new RegExp(`(?<![\\w:])${escaped}(\\{[^}]*\\})?(?![\\w:])`, 'g');
    if (!selector.test(out)) continue;
    if (seen.includes(r.record)) throw new Error(`recording rules read each other in a cycle: ${[...seen, r.record].join(' -> ')}`);
    const inner = inlineRecords(group, r.expr, [...seen, r.record]);
    out = out.replace(selector, () => `(${inner})`);
  }
  return out;
}

/**
 * Evaluates the recording rules `groups` every `stepMs` over [fromMs, toMs] against the TSDB in
 * `dataDir` and writes the results into it, as a server running the rules all along would hold
 * them. A Prometheus serves the TSDB meanwhile (no scrape, no rules); each rule is one
 * `query_range` at the step, written back with the same OpenMetrics backfill as the raw history
 * (promtool's rule importer does the same evaluation but took minutes for a week of 26 rules).
 */
export async function importRecordings(
  tools: { prometheus: string; promtool: string },
  dataDir: string,
  groups: readonly GroupYaml[],
  fromMs: number,
  toMs: number,
  stepMs: number,
): Promise<number> {
  const rules = groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [{ ...r, record: r.record }] : [])));
  if (rules.length === 0) return 0;
  const work = makeTempDir('records');
  const config = join(work, 'prometheus.yml');
  writeFileSync(config, stringify({ global: {} }));
  const series: BackfillSeries[] = [];
  const server = await startPrometheus({ binary: tools.prometheus, configFile: config, dataDir, name: 'prometheus-records', logDir: work });
  try {
    const step = stepMs / 1000;
    const start = Math.ceil(fromMs / stepMs) * step;
    const end = Math.floor(toMs / stepMs) * step;
    // query_range answers at most 11,000 points per series: ask in chunks.
    const chunk = 10_000 * step;
    for (const r of rules)
      for (let from = start; from <= end; from += chunk + step)
        for (const { metric, points } of await server.api.queryRange(r.expr, from, Math.min(end, from + chunk), step)) {
          const labels = Object.fromEntries(Object.entries(metric).filter(([k]) => k !== '__name__'));
          series.push({
            name: r.record,
            labels: { ...labels, ...(r.labels ?? {}) },
            samples: points.map(([t, v]) => [t * 1000, v] as const),
          });
        }
  } finally {
    await server.stop();
  }
  const result = await backfill(tools.promtool, join(dataDir, 'tsdb'), series, 1);
  return result.samples;
}
