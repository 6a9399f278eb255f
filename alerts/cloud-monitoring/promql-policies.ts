/**
 * The rule files' alerts evaluated by Cloud Monitoring: one alert policy with one PromQL condition
 * (`condition_prometheus_query_language`) per alerting rule of every service's rule file — the
 * SLOs' burn-rate (page and ticket), budget and no-data alerts, and the layers' alerts (the
 * platform's symptoms) whose metrics Cloud Monitoring collects. The rule file is the one model:
 * each condition is its alert with the recorded series inlined (alerts/prometheus/inline.ts), its
 * `for` as `duration`, its group's interval as `evaluationInterval`, its labels, its annotations
 * as documentation, and it routes through the same severity table (alerts/routing.ts).
 *
 * Cloud Monitoring has no `keep_firing_for`: a ticket's is written into its query
 * (`withKeepFiringInExpr`), so it resolves at the same evaluation as the rule file's.
 *
 * Limits that apply (docs/monitoring.md, "Evaluation on Cloud Monitoring"):
 * - `evaluationInterval` "must be a positive multiple of 30 seconds" (provider 6.50 and the
 *   Monitoring API reference of `PrometheusQueryLanguageCondition`,
 *   https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies);
 * - a project holds at most 2,000 alerting policies
 *   (https://cloud.google.com/monitoring/alerts/using-alerting-api);
 * - every policy here has one condition.
 */
import type { SLO_EVALUATION_MODES } from '../../environments/schema';
import { errorRatioRecord, LABEL } from '../../slos/conventions';
import type { SloCatalog } from '../../slos/model';
import { prometheusDurationSeconds } from '../../slos/duration';
import { SEVERITIES, type Severity } from '../../slos/schema';
import { inlineAlerts, withKeepFiringInExpr, type InlineAlert } from '../prometheus/inline';
import { ANNOTATION } from '../prometheus/policy';
import type { RecordingRule, RuleFile } from '../prometheus/rules';
import { rawErrorRatioExpr } from '../prometheus/sli-rules';
import type { PolicyDraft, PromqlCondition } from './model';

/** Cloud Monitoring evaluates PromQL conditions at positive multiples of this. */
export const PROMQL_EVALUATION_STEP_SECONDS = 30;

/** Alerting policies one project may hold. https://cloud.google.com/monitoring/alerts/using-alerting-api */
export const MAX_ALERT_POLICIES_PER_PROJECT = 2000;

/** Where the SLOs of an environment are evaluated (environments/schema.ts `sloEvaluation`). */
export type SloEvaluation = (typeof SLO_EVALUATION_MODES)[number];

/** True when Cloud Monitoring evaluates the SLOs (`managed` or `both`). */
export function evaluatesOnCloudMonitoring(mode: SloEvaluation): boolean {
  return mode !== 'self-hosted';
}

/** What the PromQL policies are built from. */
export interface PromqlPolicyInputs {
  /** The SLOs the rule files were rendered from (a summed window's raw form is read from its SLO). */
  readonly catalog: SloCatalog;
  /** Every service's rule file, policy applied (alerts/prometheus/artifacts.ts `serviceRuleFile`). */
  readonly ruleFiles: readonly RuleFile[];
  /**
   * Whether Cloud Monitoring holds a metric (the Managed Service for Prometheus sidecar collects
   * the application's; a blackbox exporter's probes never reach it). An alert reading a metric it
   * does not hold is left to the rule files.
   *
   * @default - every metric
   */
  readonly collected?: (metric: string) => boolean;
}

/** What an alert is about, for messages: its SLO (`service/name`) or its rule group. */
export function alertSubject(a: InlineAlert): string {
  const { service, slo } = { service: a.rule.labels[LABEL.service], slo: a.rule.labels[LABEL.slo] };
  return service !== undefined && slo !== undefined && a.group.startsWith('slo-') ? `slo "${service}/${slo}"` : `rule group "${a.group}"`;
}

/** Metric names an expression selects (`name{` or `name[`), without PromQL's own words. */
export function metricsRead(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)) names.add(m[1]!);
  return [...names];
}

/** Throws, naming the SLO, when its group's interval is not one Cloud Monitoring can evaluate at. */
function checkInterval(a: InlineAlert): void {
  const s = a.intervalSeconds;
  if (s <= 0 || s % PROMQL_EVALUATION_STEP_SECONDS !== 0) {
    throw new Error(
      `${alertSubject(a)}: evaluationInterval ${s} s is not a positive multiple of ${PROMQL_EVALUATION_STEP_SECONDS} s, which cloud monitoring promql conditions require; allowed: 30s, 1m, 1m30s, … (or sloEvaluation: self-hosted)`,
    );
  }
}

/**
 * A Go-template annotation as static text: `{{ $labels.k }}` becomes the label's value when the
 * condition sets it; any other template (`{{ $value }}`, printf) becomes "(see the incident)".
 * Cloud Monitoring documentation has its own variables, not Prometheus' templates.
 */
export function staticAnnotation(text: string, labels: Readonly<Record<string, string>>): string {
  return text
    .replace(/\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_whole, k: string) => labels[k] ?? `<${k}>`)
    .replace(/\{\{[^}]*\}\}/g, '(see the incident)');
}

function severityOf(a: InlineAlert): Severity {
  const s = a.rule.labels[LABEL.severity];
  if (!SEVERITIES.includes(s as Severity)) throw new Error(`internal: ${alertSubject(a)} alert ${a.rule.alert} has severity "${s}"`);
  return s as Severity;
}

/**
 * Key (and construct id) of the policy of each alert: `promql-<group>-<alert>`, followed, when a
 * group has several rules of one name (a page and a ticket, two reasons of one symptom), by the
 * values of the labels that tell them apart.
 */
export function promqlPolicyKeys(alerts: readonly InlineAlert[]): string[] {
  const byName = new Map<string, InlineAlert[]>();
  for (const a of alerts) byName.set(`${a.group}/${a.rule.alert}`, [...(byName.get(`${a.group}/${a.rule.alert}`) ?? []), a]);
  return alerts.map((a) => {
    const same = byName.get(`${a.group}/${a.rule.alert}`)!;
    // The alert kind first (page, ticket), then any label in name order: the first that differs names the rule.
    const keys = [LABEL.alertKind, ...[...new Set(same.flatMap((o) => Object.keys(o.rule.labels)))].sort()];
    const differing = same.length > 1 ? keys.find((k) => new Set(same.map((o) => o.rule.labels[k])).size > 1) : undefined;
    return ['promql', a.group, a.rule.alert, ...(differing ? [a.rule.labels[differing] ?? 'none'] : [])].join('-');
  });
}

/** The condition of one inlined alert. */
export function promqlCondition(a: InlineAlert): PromqlCondition {
  const keep = a.rule.keepFiringFor === undefined ? 0 : prometheusDurationSeconds(a.rule.keepFiringFor);
  return {
    kind: 'promql',
    displayName: `${a.group}/${a.rule.alert}`,
    query: withKeepFiringInExpr(a.rule.expr, keep, a.intervalSeconds),
    durationSeconds: a.rule.for === undefined ? 0 : prometheusDurationSeconds(a.rule.for),
    evaluationIntervalSeconds: a.intervalSeconds,
    labels: a.rule.labels,
    ruleGroup: a.group,
    alertRule: a.rule.alert,
  };
}

/** The policy of one inlined alert. */
function promqlPolicy(a: InlineAlert, key: string): PolicyDraft {
  checkInterval(a);
  const labels = a.rule.labels;
  const tail = key.slice(`promql-${a.group}-${a.rule.alert}`.length + 1);
  const runbook = a.rule.annotations[ANNOTATION.runbook];
  const dashboard = a.rule.annotations[ANNOTATION.dashboard];
  const userLabels = Object.fromEntries(
    [LABEL.slo, LABEL.service, LABEL.team, LABEL.alertKind].flatMap((k) => (labels[k] === undefined ? [] : [[k, labels[k]!]])),
  );
  return {
    key,
    area: a.group.startsWith('slo-') ? 'slo-promql' : 'symptom-promql',
    displayName: `${a.group}/${a.rule.alert}${tail ? ` (${tail})` : ''}`,
    severity: severityOf(a),
    combiner: 'OR',
    conditions: [promqlCondition(a)],
    runbookAnchor: 'promql-alerts',
    summary: staticAnnotation(a.rule.annotations.summary ?? a.rule.alert, labels),
    firstSteps: [
      ...(a.rule.annotations.description ? [staticAnnotation(a.rule.annotations.description, labels)] : []),
      'The rule files hold the same alert under the same name (`slo explain` gives its windows and detection times).',
    ],
    thresholdNote: `the alert ${a.rule.alert} of rule group ${a.group}, its recorded series inlined`,
    labels: userLabels,
    ...(runbook ? { runbookUrl: runbook } : {}),
    ...(dashboard ? { links: [{ displayName: 'Dashboard', url: dashboard }] } : {}),
  };
}

/**
 * The inline form of a window the rule files sum from the recorded base rates (the ticket's 3 d,
 * the SLO window the budget alerts read): the SLO's error ratio over the raw series of the whole
 * window, one range read per series. Summing the base rate as a subquery at the evaluation
 * interval would re-evaluate it once per interval of the window on every evaluation (10,080 times
 * for 7 days at 1 m; promtool refuses it). The raw ratio is the traffic-weighted ratio the sum
 * approximates, without its lag: such a window may fire and resolve up to the summed-window lag
 * (`summedWindowLagSeconds`, slos/alert-timing.ts) earlier than the rule file's.
 */
export function rawRatioOfRecord(catalog: SloCatalog, record: RecordingRule): string {
  const prefix = errorRatioRecord('');
  const slo = catalog.slos.find((s) => s.service === record.labels[LABEL.service] && s.name === record.labels[LABEL.slo]);
  if (!record.record.startsWith(prefix) || !slo)
    throw new Error(`internal: no raw form of the recorded ${record.record} ${JSON.stringify(record.labels)}`);
  return rawErrorRatioExpr(slo, record.record.slice(prefix.length));
}

/** The inlined alerts of every rule file that Cloud Monitoring can evaluate (every metric they read is collected). */
export function managedAlerts(inputs: PromqlPolicyInputs): InlineAlert[] {
  const collected = inputs.collected ?? (() => true);
  const rangeReadingRecord = (record: RecordingRule) => rawRatioOfRecord(inputs.catalog, record);
  return inputs.ruleFiles.flatMap((file) => {
    const interval = new Map(file.groups.map((g) => [g.name, g.interval === undefined ? 60 : prometheusDurationSeconds(g.interval)]));
    return inlineAlerts(file, (g) => interval.get(g)!, { rangeReadingRecord }).filter((a) => metricsRead(a.rule.expr).every(collected));
  });
}

/** One PromQL policy per alert of `managedAlerts`, in rule-file order. */
export function promqlPolicies(inputs: PromqlPolicyInputs): PolicyDraft[] {
  const alerts = managedAlerts(inputs);
  const keys = promqlPolicyKeys(alerts);
  return alerts.map((a, i) => promqlPolicy(a, keys[i]!));
}

/**
 * Throws, naming the first SLO (or rule group) whose policy does not fit, when the plan holds
 * more policies than a project allows.
 */
export function checkPolicyCount(drafts: readonly PolicyDraft[]): void {
  if (drafts.length <= MAX_ALERT_POLICIES_PER_PROJECT) return;
  const first = drafts[MAX_ALERT_POLICIES_PER_PROJECT]!;
  const c = first.conditions[0];
  const subject =
    c?.kind === 'promql' && c.labels[LABEL.slo] !== undefined && c.ruleGroup.startsWith('slo-')
      ? `slo "${c.labels[LABEL.service]}/${c.labels[LABEL.slo]}"`
      : `policy "${first.key}"`;
  throw new Error(
    `${subject}: the monitoring plan has ${drafts.length} alert policies, above cloud monitoring's ${MAX_ALERT_POLICIES_PER_PROJECT} per project (https://cloud.google.com/monitoring/alerts/using-alerting-api); this one is number ${MAX_ALERT_POLICIES_PER_PROJECT + 1}: evaluate some SLOs self-hosted (sloEvaluation) or split them across projects`,
  );
}
