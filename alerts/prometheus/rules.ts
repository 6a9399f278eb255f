/**
 * Plain-data shapes of Prometheus rule files and promtool test files. Renderers build these;
 * `serialize.ts` writes them. Nothing here knows about YAML.
 */

/** A recording rule: `record` a new series from `expr`. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  /** Labels added to every recorded series. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Where an alert's runbook and dashboard are. Cross-cutting policy (`policy.ts`) turns this into
 * the `runbook_url` and `dashboard_url` annotations and the `team` label, so the renderers of
 * individual alerts never repeat it.
 */
export interface AlertRouting {
  /** Owning team, added as the `team` label. */
  readonly team: string;
  /** Explicit runbook URL (the spec's `alerting.runbookUrl`); wins over `runbookPath`. */
  readonly runbookUrl?: string;
  /** Runbook page and anchor under the environment's `runbookBaseUrl`, e.g. `slos.md#error-rate`. */
  readonly runbookPath: string;
  /** Grafana dashboard UID the alert links to. */
  readonly dashboardUid: string;
}

/** An alerting rule. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** Pending period as a Prometheus duration; absent means the alert fires on the first match. */
  readonly for?: string;
  /**
   * How long the alert keeps firing after its condition clears, as a Prometheus duration
   * (Prometheus 2.42 or later); absent means it resolves on the first evaluation that does not match.
   */
  readonly keepFiringFor?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Routing metadata, consumed by the policy transform; never serialized. */
  readonly routing: AlertRouting;
}

/** One rule of a group. */
export type Rule = RecordingRule | AlertingRule;

/** A rule group (Prometheus evaluates a group's rules in order). */
export interface RuleGroup {
  readonly name: string;
  /**
   * How often Prometheus evaluates the group, as a Prometheus duration.
   *
   * @default - the service's evaluation interval, set on every group of the file by `serviceRuleFile`
   */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** The rule file of one service. */
export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

/**
 * The rule file with every alert's `keep_firing_for` taken out: the firing conditions alone, for
 * comparing them with peers' rules (Sloth's have none; ours keep tickets firing, see
 * docs/alerting.md "No flapping", which their own scenario tests).
 */
export function firingConditionsOnly(file: RuleFile): RuleFile {
  return {
    groups: file.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => {
        if (!isAlertingRule(r) || r.keepFiringFor === undefined) return r;
        return Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'keepFiringFor')) as unknown as AlertingRule;
      }),
    })),
  };
}

/** True for alerting rules. */
export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

/** One input series of a promtool test: a series selector and its samples in expanding notation. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** One expected alert instance: all its labels (rule and series labels) and its rendered annotations. */
export interface ExpectedAlert {
  readonly exp_labels: Readonly<Record<string, string>>;
  readonly exp_annotations: Readonly<Record<string, string>>;
}

/** An assertion that exactly `exp_alerts` of `alertname` are firing at `eval_time`. */
export interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly ExpectedAlert[];
}

/** One expected sample of a PromQL expression: its series (`name{a="1"}`) and value. */
export interface ExpectedSample {
  readonly labels: string;
  readonly value: number;
}

/** An assertion that `expr` evaluates to exactly `exp_samples` at `eval_time`. */
export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: readonly ExpectedSample[];
}

/** A promtool test group: input series and the alert (and expression) assertions over them. */
export interface TestGroup {
  readonly name: string;
  /** Spacing of the input samples. */
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test: readonly AlertRuleTest[];
  /** Assertions on expression values, e.g. a recorded SLI series computed from raw input series. */
  readonly promql_expr_test?: readonly PromqlExprTest[];
}

/** A promtool test file (`promtool test rules`). */
export interface TestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  /**
   * Every group of the rule file in file order. promtool otherwise evaluates groups in map order,
   * so an alert could read the SLI series of the previous step in one run and the current step in
   * the next.
   */
  readonly group_eval_order: readonly string[];
  readonly tests: readonly TestGroup[];
}
