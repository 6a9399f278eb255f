/**
 * The second rendering of a rule file's alerts: every recorded series an alert reads replaced by
 * the expression that records it, so the alert stands alone where recording rules do not exist
 * (Cloud Monitoring's PromQL conditions, alerts/cloud-monitoring/promql-policies.ts). The rule
 * file stays the one model: windows, ratios, factors, `for`, labels and annotations are read from
 * it, so the inline copy cannot drift from it, whichever way the SLI rules write a window.
 *
 * - An instant read of a record, `slo:sli_error:ratio_rate1h{service="api", slo="error-rate"}`,
 *   becomes `(<its expression>)`.
 * - A record whose expression reads other records over a range (a window summed from the base
 *   rates, `sum_over_time(slo:sli_error:rate5m{…}[2d23h55m]) / …`) takes the form the caller's
 *   `rangeReadingRecord` gives (Cloud Monitoring: the ratio over the raw series). Without one it
 *   becomes a subquery, `sum_over_time((<its expression>)[2d23h55m:<interval>])`, the samples the
 *   recording rule would have written; exact, but a 7-day window at 1 m evaluates the base rate
 *   10,080 times per evaluation, which promtool refuses ("query processing would load too many
 *   samples into memory"), so the subquery is kept for short ranges only.
 * - Records that read records are expanded first, recursively.
 * - The labels a recording rule adds to its series (`slo`, `service`, `team`, the spec's) are
 *   returned with the alert: an inline `sum(...)` has none, so the condition must set them.
 */
import { formatDuration } from '../../slos/duration';
import { isAlertingRule, type AlertingRule, type RecordingRule, type RuleFile } from './rules';

/** An alerting rule of the rule file with every recorded series replaced by its expression. */
export interface InlineAlert {
  /** The rule group it comes from (the Cloud Monitoring `ruleGroup`). */
  readonly group: string;
  /** The group's evaluation interval in seconds. */
  readonly intervalSeconds: number;
  /** The alerting rule as in the rule file, with `expr` inlined and the series labels of the records it read merged under its own labels. */
  readonly rule: AlertingRule;
}

/** A selector of a series: `name{a="1", b="2"}` optionally followed by a range `[3d]`. */
const SELECTOR = /([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^{}]*)\}(\[([0-9a-z]+)\])?/g;
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;

function equalityMatchers(text: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  const rest = text.replace(MATCHER, (_m, k: string, v: string) => {
    out.push([k, v]);
    return '';
  });
  // Only plain `a="x"` matchers select one recorded series; anything else is not ours to expand.
  return rest.replace(/[\s,]/g, '') === '' ? out : undefined;
}

/** Options of {@link inlineAlerts}. */
export interface InlineOptions {
  /**
   * The inline form of a record whose expression reads other records over a range.
   *
   * @default - its expression with each range read as a subquery at the group's interval
   */
  readonly rangeReadingRecord?: (record: RecordingRule) => string;
}

/** True when `expr` reads one of `records` over a range (`name{…}[5m]`). */
function readsRecordOverRange(expr: string, records: ReadonlySet<string>): boolean {
  return [...expr.matchAll(SELECTOR)].some((m) => records.has(m[1]!) && m[3] !== undefined);
}

/** An expression with every recorded series it reads written inline, and the labels those records add. */
export interface InlinedExpr {
  readonly expr: string;
  /** The labels of the records it read (an inline `sum(...)` has none of its own). */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A function that writes the records of `records` inline in any expression: a selector with
 * plain `a="x"` matchers that name exactly one recording rule becomes `(<its expression>)`, read
 * over a range as a subquery at `step` (or as `rangeReadingRecord` gives it), recursively.
 * Selectors of other series, and of records no rule or more than one rule matches, stay.
 */
export function recordInliner(
  records: readonly RecordingRule[],
  options: InlineOptions = {},
): (expr: string, step: string, self?: RecordingRule) => InlinedExpr {
  const byName = new Map<string, RecordingRule[]>();
  for (const r of records) byName.set(r.record, [...(byName.get(r.record) ?? []), r]);
  const recordNames: ReadonlySet<string> = new Set(byName.keys());
  const find = (name: string, matchers: [string, string][]): RecordingRule | undefined => {
    const hits = byName.get(name)!.filter((r) => matchers.every(([k, v]) => r.labels[k] === v));
    if (hits.length > 1) throw new Error(`internal: ${name} with ${JSON.stringify(matchers)} is recorded by ${hits.length} rules`);
    return hits[0];
  };
  const expand = (expr: string, step: string, seen: ReadonlySet<RecordingRule>, labels: Map<string, string>): string =>
    expr.replace(SELECTOR, (whole, name: string, inner: string, range: string | undefined, duration: string | undefined) => {
      if (!recordNames.has(name)) return whole;
      const matchers = equalityMatchers(inner);
      const record = matchers && find(name, matchers);
      if (!record) return whole;
      if (seen.has(record))
        throw new Error(`recording rules read each other in a cycle: ${[...seen, record].map((r) => r.record).join(' -> ')}`);
      for (const [k, v] of Object.entries(record.labels)) {
        const had = labels.get(k);
        if (had !== undefined && had !== v) throw new Error(`internal: an expression reads records with ${k}="${had}" and ${k}="${v}"`);
        labels.set(k, v);
      }
      const own =
        options.rangeReadingRecord && readsRecordOverRange(record.expr, recordNames) ? options.rangeReadingRecord(record) : record.expr;
      const body = `(${expand(own, step, new Set([...seen, record]), labels)})`;
      return range === undefined ? body : `${body}[${duration!}:${step}]`;
    });
  return (expr, step, self) => {
    const labels = new Map<string, string>();
    return { expr: expand(expr, step, new Set(self ? [self] : []), labels), labels: Object.fromEntries(labels) };
  };
}

/** Inlines the recorded series of every alerting rule of `file`, group by group, in file order. */
export function inlineAlerts(file: RuleFile, intervalSeconds: (group: string) => number, options: InlineOptions = {}): InlineAlert[] {
  const records: RecordingRule[] = file.groups.flatMap((g) => g.rules.filter((r): r is RecordingRule => !isAlertingRule(r)));
  const inline = recordInliner(records, options);
  return file.groups.flatMap((group) => {
    const seconds = intervalSeconds(group.name);
    const step = formatDuration(seconds);
    return group.rules.filter(isAlertingRule).map((rule) => {
      const { expr, labels } = inline(rule.expr, step);
      return { group: group.name, intervalSeconds: seconds, rule: { ...rule, expr, labels: { ...labels, ...rule.labels } } };
    });
  });
}

/**
 * A rule's `keep_firing_for` written into its expression, for engines without the setting:
 * `max_over_time((expr)[K:interval])` holds the last firing value while the expression matched
 * at any evaluation step of the last K, both ends included (Prometheus 2 ranges, and Cloud
 * Monitoring's PromQL is at parity with Prometheus 2.44), so the alert resolves at the same
 * evaluation as Prometheus' `keep_firing_for: K` does: the first evaluation at least K after the
 * first one that did not match. Unchanged without `keep_firing_for`.
 */
export function withKeepFiringInExpr(expr: string, keepFiringForSeconds: number, intervalSeconds: number): string {
  if (keepFiringForSeconds <= 0) return expr;
  return `max_over_time((\n${expr}\n)[${formatDuration(keepFiringForSeconds)}:${formatDuration(intervalSeconds)}])`;
}
