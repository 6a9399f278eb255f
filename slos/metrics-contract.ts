/**
 * The metrics contract: every metric and label the generated rules and dashboards read, as data.
 * It has two sources, merged by `mergeContracts`:
 * - the SLO specs declare their own SLI metrics: each selector of an SLI's queries (its metric,
 *   the labels it matches and groups by, and the values it matches on) is an entry emitted by the
 *   SLO's service (`specMetricsContract`); a team's metrics need nothing but their specs;
 * - each layer contributes what it reads beyond the specs (the platform layer: the API's own
 *   metrics, the uptime probes, Google Cloud metrics; layers/platform/metrics-contract.ts).
 * Series the rule files record themselves (and Prometheus' `ALERTS`) carry the labels their rules
 * give them; `contractProblems` derives those from the rules, so they are never listed twice.
 *
 * `contractProblems` checks PromQL expressions against a contract with Prometheus' own grammar:
 * every selector's metric must be listed (or recorded), each label it matches must be one of the
 * metric's (or a target label every scraped series carries), an equality matcher's value must be
 * one of a closed list of values, and each label of a `by`, `without`, `on`, `ignoring` or
 * `group_left/right` clause must be a label of some metric the clause's operands read.
 */
import { errorRatioQuery, totalEventsQuery, type SloCatalog } from './model';
import { expressionLabels, promqlSyntaxError, vectorSelectors } from './promql';

/** Prometheus metric types, plus `recorded` for series a rule file records. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';

/** A label of a metric. */
export interface ContractLabel {
  readonly name: string;
  /**
   * Every value the label may take, when the set is closed (`dependency`: redis, postgres).
   *
   * @default - any value
   */
  readonly values?: readonly string[];
  /** What the label holds, for the document. */
  readonly description?: string;
}

/** One metric of the contract. */
export interface MetricContract {
  /** Metric name; a histogram's base name covers its `_bucket` (with `le`), `_count` and `_sum`. */
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly ContractLabel[];
  /** Who emits it: the application, the blackbox exporter, Google Cloud Monitoring, … */
  readonly emitter: string;
  /** Scrape (or probe) interval the rules assume, with the setting it comes from. */
  readonly interval?: { readonly seconds: number; readonly setting: string };
  /** What it measures. */
  readonly description: string;
}

/** A contract: its metrics, and the target labels every scraped series carries. */
export interface MetricsContract {
  readonly metrics: readonly MetricContract[];
  /** Labels Prometheus (or a layer's scrape configuration) attaches to every scraped series. */
  readonly targetLabels: readonly string[];
}

/** Labels Prometheus attaches to every scraped series. https://prometheus.io/docs/concepts/jobs_instances/ */
export const PROMETHEUS_TARGET_LABELS: readonly string[] = Object.freeze(['job', 'instance']);

/** Suffixes of a classic histogram's series. */
const HISTOGRAM_SUFFIXES = ['_bucket', '_count', '_sum'] as const;

/** Histogram bucket bound label. */
const LE = 'le';

/** The contract the specs declare: one entry per metric their SLI queries select. */
export function specMetricsContract(catalog: SloCatalog): MetricsContract {
  const metrics = new Map<string, { type: MetricType; labels: Map<string, Set<string> | undefined>; services: Set<string> }>();
  for (const slo of catalog.slos) {
    const queries = [errorRatioQuery(slo.sli, '5m'), totalEventsQuery(slo.sli, '5m')].filter((q): q is string => q !== undefined);
    const histogram = slo.sli.kind === 'latency' ? slo.sli.histogram : undefined;
    for (const query of queries) {
      if (promqlSyntaxError(query)) continue;
      const grouping = expressionLabels(query).flatMap((g) => g.labels);
      for (const s of vectorSelectors(query)) {
        if (!s.metric) continue;
        // A latency SLI's `_bucket` and `_count` series are its histogram's.
        const name = histogram && HISTOGRAM_SUFFIXES.some((x) => s.metric === `${histogram}${x}`) ? histogram : s.metric;
        const type: MetricType =
          name === histogram ? 'histogram' : s.rangeFunction && COUNTER_FUNCTIONS.has(s.rangeFunction) ? 'counter' : 'unknown';
        const entry = metrics.get(name) ?? { type, labels: new Map(), services: new Set() };
        metrics.set(name, entry);
        entry.services.add(slo.service);
        for (const m of s.matchers) {
          if (name === histogram && m.name === LE) continue;
          const values = entry.labels.has(m.name) ? entry.labels.get(m.name) : new Set<string>();
          if (m.op === '=' && values) values.add(m.value);
          entry.labels.set(m.name, m.op === '=' ? values : undefined);
        }
        for (const g of grouping) if (!entry.labels.has(g) && !(name === histogram && g === LE)) entry.labels.set(g, undefined);
      }
    }
  }
  return {
    metrics: [...metrics]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, e]) => ({
        name,
        type: e.type,
        labels: [...e.labels]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([label, values]) => ({ name: label, ...(values && values.size > 0 ? { values: [...values].sort() } : {}) })),
        emitter: `the service of the SLO specs (${[...e.services].sort().join(', ')})`,
        description: 'selected by an SLI query of the SLO specs',
      })),
    targetLabels: PROMETHEUS_TARGET_LABELS,
  };
}

/** Functions whose argument is a counter. */
const COUNTER_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'resets']);

/**
 * Contracts merged: a metric listed in several keeps every label of each, and a label's values
 * close only when every listing closes them.
 */
export function mergeContracts(...contracts: readonly MetricsContract[]): MetricsContract {
  const byName = new Map<string, MetricContract>();
  for (const c of contracts) {
    for (const m of c.metrics) {
      const seen = byName.get(m.name);
      if (!seen) {
        byName.set(m.name, m);
        continue;
      }
      const labels = new Map(seen.labels.map((l) => [l.name, l]));
      for (const l of m.labels) {
        const old = labels.get(l.name);
        const values =
          old === undefined ? l.values : old.values && l.values ? [...new Set([...old.values, ...l.values])].sort() : undefined;
        labels.set(l.name, { ...(old ?? l), ...(values ? { values } : { values: undefined }) });
      }
      // The first listing (a layer's, which documents it) keeps its type, emitter and interval.
      byName.set(m.name, {
        ...seen,
        type: seen.type === 'unknown' ? m.type : seen.type,
        labels: [...labels.values()].map(({ values, ...rest }) => (values ? { ...rest, values } : rest)),
      });
    }
  }
  return {
    metrics: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    targetLabels: [...new Set(contracts.flatMap((c) => c.targetLabels))],
  };
}

/** A PromQL expression to check, and where it comes from (for the message). */
export interface ContractRead {
  /** `prometheus/api.rules.yaml: rule ApiHighErrorRate (group symptoms-api)`. */
  readonly where: string;
  readonly expr: string;
}

/** A series a rule file records: its name and the labels its rules give it. */
export interface RecordedSeries {
  readonly name: string;
  readonly labels: readonly string[];
}

/** Labels of the series Prometheus writes for every alerting rule. https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/ */
export const ALERTS_SERIES = 'ALERTS';
const ALERTS_LABELS = ['alertname', 'alertstate'];

/**
 * What a set of rules records: each recording rule's series with its static labels, the labels
 * its expression groups by and the labels of the series it reads, and `ALERTS` with every alert's
 * labels and those of the series it reads.
 */
export function recordedSeries(
  rules: readonly {
    readonly record?: string;
    readonly alert?: string;
    readonly expr: string;
    readonly labels?: Readonly<Record<string, string>>;
  }[],
  contract: MetricsContract,
): RecordedSeries[] {
  const known = new Map<string, Set<string>>(contract.metrics.map((m) => [m.name, new Set(m.labels.map((l) => l.name))]));
  const out = new Map<string, Set<string>>();
  // Records may read records: three passes settle every chain the generators write.
  for (let pass = 0; pass < 3; pass++) {
    for (const r of rules) {
      const name = r.record ?? (r.alert !== undefined ? ALERTS_SERIES : undefined);
      if (!name) continue;
      const labels = out.get(name) ?? new Set<string>(r.alert !== undefined ? ALERTS_LABELS : []);
      for (const l of Object.keys(r.labels ?? {})) labels.add(l);
      if (!promqlSyntaxError(r.expr)) {
        for (const g of expressionLabels(r.expr)) for (const l of g.labels) labels.add(l);
        for (const s of vectorSelectors(r.expr))
          for (const l of out.get(s.metric) ?? known.get(baseName(s.metric, contract)) ?? []) labels.add(l);
      }
      out.set(name, labels);
    }
  }
  return [...out].map(([name, labels]) => ({ name, labels: [...labels].sort() }));
}

/** The contract's entry name for a selected metric: a histogram's series map to its base name. */
function baseName(metric: string, contract: MetricsContract): string {
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (!metric.endsWith(suffix)) continue;
    const base = metric.slice(0, -suffix.length);
    if (contract.metrics.some((m) => m.name === base && m.type === 'histogram')) return base;
  }
  return metric;
}

/**
 * Every read of `reads` the contract does not cover, one message each: the place, the metric and
 * the label, and what the contract lists instead. Series in `recorded` count as listed with their
 * labels.
 */
export function contractProblems(
  reads: readonly ContractRead[],
  contract: MetricsContract,
  recorded: readonly RecordedSeries[] = [],
): string[] {
  const entries = new Map(contract.metrics.map((m) => [m.name, m]));
  const recordedLabels = new Map(recorded.map((r) => [r.name, new Set(r.labels)]));
  const target = new Set(contract.targetLabels);
  /** Labels a selected metric may carry, or undefined when the contract does not list it. */
  const labelsOf = (metric: string): { labels: Set<string>; entry?: MetricContract; suffix: string } | undefined => {
    const rec = recordedLabels.get(metric);
    if (rec) return { labels: rec, suffix: '' };
    const name = baseName(metric, contract);
    const entry = entries.get(name);
    if (!entry) return undefined;
    const labels = new Set([...entry.labels.map((l) => l.name), ...target]);
    if (entry.type === 'histogram' && metric === `${name}_bucket`) labels.add(LE);
    return { labels, entry, suffix: metric.slice(name.length) };
  };
  const out: string[] = [];
  for (const read of reads) {
    const syntax = promqlSyntaxError(read.expr);
    if (syntax) {
      out.push(`${read.where}: ${syntax.message}`);
      continue;
    }
    const selectors = vectorSelectors(read.expr);
    for (const s of selectors) {
      if (!s.metric) continue;
      const known = labelsOf(s.metric);
      if (!known) {
        out.push(`${read.where} reads metric ${s.metric}, which the metrics contract does not list`);
        continue;
      }
      for (const m of s.matchers) {
        if (!known.labels.has(m.name)) {
          out.push(
            `${read.where} reads label ${m.name} of ${s.metric}, which the metrics contract does not list for it; listed: ${[...known.labels].sort().join(', ')}`,
          );
          continue;
        }
        const allowed = known.entry?.labels.find((l) => l.name === m.name)?.values;
        if (m.op === '=' && allowed && !allowed.includes(m.value))
          out.push(
            `${read.where} reads ${s.metric}{${m.name}="${m.value}"}, a value the metrics contract does not list; listed: ${allowed.join(', ')}`,
          );
      }
    }
    for (const clause of expressionLabels(read.expr)) {
      const available = new Set(clause.metrics.flatMap((metric) => [...(labelsOf(metric)?.labels ?? [])]));
      // A clause over unlisted metrics has been reported above; label_replace may add labels.
      if (clause.metrics.some((metric) => !labelsOf(metric)) || clause.addsLabels) continue;
      for (const l of clause.labels)
        if (!available.has(l))
          out.push(
            `${read.where} groups by label ${l} (${clause.clause}), which the metrics contract lists for none of ${clause.metrics.join(', ') || 'its operands'}`,
          );
    }
  }
  return out;
}

/** One markdown table cell: pipes escaped, line breaks flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/** A label as the document shows it: `name` (values or what it holds). */
function labelText(l: ContractLabel): string {
  const what = l.values ? l.values.map((v) => `\`${v}\``).join(', ') : l.description;
  return what ? `\`${l.name}\` (${what})` : `\`${l.name}\``;
}

/** Seconds as the document shows them: `5m`, `1m`, `30s`. */
function intervalText(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** The contract as a markdown table (docs/metrics.md is generated from it). */
export function contractMarkdownTable(contract: MetricsContract): string {
  const rows = contract.metrics.map((m) =>
    [
      `\`${m.name}\``,
      m.type,
      m.labels.map(labelText).join(', ') || '—',
      m.emitter,
      m.interval ? `${intervalText(m.interval.seconds)} (${m.interval.setting})` : '—',
      m.description,
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    '| metric | type | labels (allowed values) | emitted by | interval assumed | what it is |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
    `Every scraped series also carries the target labels ${contract.targetLabels.map((l) => `\`${l}\``).join(', ')}.`,
  ].join('\n');
}
