/**
 * The PromQL conditions of a synthesized monitoring stack back as a Prometheus rule file, so that
 * a real Prometheus can evaluate exactly what Cloud Monitoring would (the e2e run loads it beside
 * the generated rule files and compares firing steps; `slo test`-style checks run promtool on it).
 * Each `condition_prometheus_query_language` becomes one alerting rule: `expr` = `query`, `for` =
 * `duration`, `labels` = `labels`, in a group named `rule_group` whose `interval` is
 * `evaluation_interval`. Reads the synthesized JSON only (`cdktf.out/stacks/<env>-monitoring/cdk.tf.json`,
 * parsed by the caller): no cdktf, no I/O.
 *
 * Terraform reads `$${` as a literal `${` and `%%{` as `%{` (the framework escapes every literal
 * string at synth, constructs/framework.ts); both are undone here, so the rules hold the text as
 * Cloud Monitoring receives it.
 */
import { formatDuration } from '../../slos/duration';
import { ruleFileYaml } from '../prometheus/serialize';
import type { AlertingRule, RuleFile, RuleGroup } from '../prometheus/rules';

/** One PromQL condition as the synthesized JSON holds it (provider 6.50 attribute names). */
export interface SynthesizedPromqlCondition {
  /** The `google_monitoring_alert_policy` resource it belongs to (its Terraform name). */
  readonly policy: string;
  readonly query: string;
  readonly duration?: string;
  readonly evaluation_interval?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly rule_group?: string;
  readonly alert_rule?: string;
}

/** Options of {@link promqlConditionsRuleFile}. */
export interface PromqlRuleFileOptions {
  /**
   * Labels added to every converted rule, to tell its alerts from the rule files' own when both
   * are loaded into one Prometheus (e.g. `{ evaluated_by: 'cloud-monitoring' }`).
   *
   * @default {} - the rules carry the conditions' labels only
   */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /**
   * Suffix of every group name, so the groups never share a name with the rule files' groups.
   *
   * @default '' - the condition's `rule_group` as it is
   */
  readonly groupSuffix?: string;
}

/** Terraform's literal forms of `${` and `%{` back to the text itself. */
export function unescapeTerraformTemplates(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

function unescapeDeep<T>(value: T): T {
  if (typeof value === 'string') return unescapeTerraformTemplates(value) as T;
  if (Array.isArray(value)) return value.map(unescapeDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [unescapeTerraformTemplates(k), unescapeDeep(v)])) as T;
  }
  return value;
}

/** A Terraform duration (`"60s"`) in seconds; throws on anything else. */
function seconds(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const m = /^(\d+)s$/.exec(text);
  if (!m) throw new Error(`${what}: "${text}" is not a duration in whole seconds`);
  return Number(m[1]);
}

/** Every PromQL condition of a synthesized stack (`cdk.tf.json`, parsed), in resource order. */
export function synthesizedPromqlConditions(stack: unknown): SynthesizedPromqlCondition[] {
  const policies = (stack as { resource?: Record<string, Record<string, unknown>> }).resource?.google_monitoring_alert_policy ?? {};
  const out: SynthesizedPromqlCondition[] = [];
  for (const [name, body] of Object.entries(policies)) {
    const conditions = (body as { conditions?: { condition_prometheus_query_language?: Omit<SynthesizedPromqlCondition, 'policy'> }[] })
      .conditions;
    for (const c of conditions ?? []) {
      const q = c.condition_prometheus_query_language;
      if (q) out.push({ policy: name, ...unescapeDeep(q) });
    }
  }
  return out;
}

/**
 * The PromQL conditions of a synthesized monitoring stack as a rule file: one group per
 * (`rule_group`, `evaluation_interval`), in the order the groups first appear, each rule in
 * condition order. Cloud Monitoring's defaults apply to absent fields (30 s interval, no `for`).
 */
export function promqlConditionsRuleFile(stack: unknown, options: PromqlRuleFileOptions = {}): RuleFile {
  const groups = new Map<string, { name: string; interval: string; rules: AlertingRule[] }>();
  for (const c of synthesizedPromqlConditions(stack)) {
    const what = `alert policy ${c.policy}`;
    const interval = formatDuration(seconds(c.evaluation_interval, `${what} evaluation_interval`, 30));
    const name = `${c.rule_group ?? c.policy}${options.groupSuffix ?? ''}`;
    const key = `${name}\u0000${interval}`;
    const group = groups.get(key) ?? { name, interval, rules: [] };
    groups.set(key, group);
    const forSeconds = seconds(c.duration, `${what} duration`, 0);
    group.rules.push({
      alert: c.alert_rule ?? c.policy,
      expr: c.query,
      ...(forSeconds > 0 ? { for: formatDuration(forSeconds) } : {}),
      labels: { ...(c.labels ?? {}), ...(options.extraLabels ?? {}) },
      annotations: {},
      routing: { team: '', runbookPath: '', dashboardUid: '' },
    });
  }
  const names = new Map<string, number>();
  const out: RuleGroup[] = [];
  for (const g of groups.values()) {
    // One rule_group at two intervals cannot be one Prometheus group: the second gets a suffix.
    const n = names.get(g.name) ?? 0;
    names.set(g.name, n + 1);
    out.push({ name: n === 0 ? g.name : `${g.name}-${n + 1}`, interval: g.interval, rules: g.rules });
  }
  return { groups: out };
}

/** {@link promqlConditionsRuleFile} as rule-file YAML, ready for `promtool check rules` or a Prometheus `rule_files` entry. */
export function promqlConditionsRuleFileYaml(stack: unknown, options: PromqlRuleFileOptions = {}): string {
  return ruleFileYaml(promqlConditionsRuleFile(stack, options));
}
