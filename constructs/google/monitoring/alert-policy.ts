/** A Cloud Monitoring alert policy from the plan. */
import type { Aggregation, PolicySpec, PromqlCondition } from '../../../alerts/cloud-monitoring/model';
import { fillRefs, type RefKind } from '../../../alerts/cloud-monitoring/refs';
import { Construct } from '../../framework';
import {
  MonitoringAlertPolicy,
  type MonitoringAlertPolicyConditions,
  type MonitoringAlertPolicyConditionsConditionThresholdAggregations,
} from '../monitoring-bindings';
import { userLabelProblems } from './private/labels';

/** Props of {@link AlertPolicy}. */
export interface AlertPolicyProps {
  /**
   * The policy, as the plan describes it.
   *
   * Thresholds, documentation, labels and severity are final; the construct only maps them.
   */
  readonly policy: PolicySpec;
  /**
   * Full names of the notification channels to notify.
   *
   * @default [] - the policy records incidents but notifies no one
   */
  readonly notificationChannels?: readonly string[];
  /**
   * Values of the late-bound placeholders in the policy's filters, by kind and key.
   *
   * @default {} - valid only for policies without placeholders
   */
  readonly references?: Partial<Record<RefKind, Readonly<Record<string, string>>>>;
}

/**
 * Incidents close this long after their condition stops being met without new data, so a silent
 * recovery does not leave them open for the API default of seven days.
 */
export const AUTO_CLOSE_SECONDS = 24 * 3600;

function aggregations(list: readonly Aggregation[]): MonitoringAlertPolicyConditionsConditionThresholdAggregations[] {
  return list.map((a) => ({
    alignmentPeriod: `${a.alignmentPeriodSeconds}s`,
    perSeriesAligner: a.perSeriesAligner,
    ...(a.crossSeriesReducer ? { crossSeriesReducer: a.crossSeriesReducer } : {}),
    ...(a.groupByFields ? { groupByFields: [...a.groupByFields] } : {}),
  }));
}

/**
 * Problems the Monitoring API would report for a policy (empty when it accepts it), each from the
 * provider's doc comments of `google_monitoring_alert_policy`: condition `duration` "only values
 * that are a multiple of a minute" (and above 0 for an absence condition); `filter` and
 * `denominator_filter` "may not exceed 2048 Unicode characters"; `user_labels` at most 64 entries of
 * lowercase letters, numerals, underscores and dashes, 63 characters, keys starting with a letter;
 * documentation `content` at most 8,192 characters and 10,240 bytes; link `display_name` 1–63
 * characters.
 */
export function alertPolicyProblems(p: PolicySpec): string[] {
  const problems: string[] = [];
  for (const c of p.conditions) {
    const what = `condition "${c.displayName}"`;
    if (c.kind === 'promql') {
      problems.push(...promqlConditionProblems(c).map((m) => `${what}: ${m}`));
      continue;
    }
    if (c.durationSeconds % 60 !== 0 || c.durationSeconds < (c.kind === 'absent' ? 60 : 0)) {
      problems.push(
        `${what}: duration must be a multiple of 60 s${c.kind === 'absent' ? ' and at least 60 s' : ''}, got ${c.durationSeconds}`,
      );
    }
    const filters = [c.filter, ...(c.kind === 'threshold' && c.denominator ? [c.denominator.filter] : [])];
    for (const f of filters) if (f.length > 2048) problems.push(`${what}: filter is ${f.length} characters, at most 2048`);
  }
  problems.push(...userLabelProblems(p.userLabels));
  if ([...p.documentation].length > 8192 || Buffer.byteLength(p.documentation, 'utf8') > 10240) {
    problems.push('documentation exceeds 8,192 characters or 10,240 bytes');
  }
  for (const l of p.links ?? []) {
    if (l.displayName.length < 1 || l.displayName.length > 63)
      problems.push(`link "${l.displayName}": display name must be 1–63 characters`);
  }
  return problems;
}

/**
 * Problems the Monitoring API would report for a PromQL condition, from the provider's doc
 * comments of `condition_prometheus_query_language`: `query` "must not be empty"; `duration`
 * "must be zero or positive"; `evaluation_interval` "must be a positive multiple of 30 seconds";
 * label names "must be valid" (Prometheus label names, not starting with `__`, which is reserved).
 */
export function promqlConditionProblems(c: PromqlCondition): string[] {
  const problems: string[] = [];
  if (c.query.trim() === '') problems.push('query must not be empty');
  if (c.durationSeconds < 0) problems.push(`duration must be zero or positive, got ${c.durationSeconds}`);
  if (c.evaluationIntervalSeconds <= 0 || c.evaluationIntervalSeconds % 30 !== 0) {
    problems.push(`evaluation interval must be a positive multiple of 30 s, got ${c.evaluationIntervalSeconds}`);
  }
  for (const k of Object.keys(c.labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k) || k.startsWith('__')) problems.push(`label name "${k}" is not a valid prometheus label name`);
  }
  return problems;
}

/** A `google_monitoring_alert_policy` with markdown documentation and auto-close. */
export class AlertPolicy extends Construct {
  /** The policy resource. */
  public readonly resource: MonitoringAlertPolicy;

  constructor(scope: Construct, id: string, props: AlertPolicyProps) {
    super(scope, id);
    const p = props.policy;
    const problems = alertPolicyProblems(p);
    if (problems.length > 0) throw new Error(`alert policy "${p.key}": ${problems.join('; ')}`);
    const refs = props.references ?? {};
    const fill = (text: string) => fillRefs(text, (kind, key) => refs[kind]?.[key]);
    const conditions: MonitoringAlertPolicyConditions[] = p.conditions.map((c) =>
      c.kind === 'promql'
        ? {
            displayName: c.displayName,
            conditionPrometheusQueryLanguage: {
              query: c.query,
              duration: `${c.durationSeconds}s`,
              evaluationInterval: `${c.evaluationIntervalSeconds}s`,
              labels: { ...c.labels },
              ruleGroup: c.ruleGroup,
              alertRule: c.alertRule,
            },
          }
        : c.kind === 'absent'
          ? {
              displayName: c.displayName,
              conditionAbsent: { filter: fill(c.filter), duration: `${c.durationSeconds}s`, aggregations: aggregations(c.aggregations) },
            }
          : {
              displayName: c.displayName,
              conditionThreshold: {
                filter: fill(c.filter),
                comparison: c.comparison,
                thresholdValue: c.thresholdValue,
                duration: `${c.durationSeconds}s`,
                ...(c.aggregations.length > 0 ? { aggregations: aggregations(c.aggregations) } : {}),
                ...(c.denominator
                  ? { denominatorFilter: fill(c.denominator.filter), denominatorAggregations: aggregations(c.denominator.aggregations) }
                  : {}),
                ...(c.triggerCount !== undefined ? { trigger: { count: c.triggerCount } } : {}),
                ...(c.evaluationMissingData ? { evaluationMissingData: c.evaluationMissingData } : {}),
              },
            },
    );
    this.resource = new MonitoringAlertPolicy(this, 'Resource', {
      displayName: p.displayName,
      combiner: p.combiner,
      severity: p.policySeverity,
      enabled: true,
      conditions,
      notificationChannels: [...(props.notificationChannels ?? [])],
      userLabels: { ...p.userLabels },
      documentation: {
        content: p.documentation,
        mimeType: 'text/markdown',
        subject: p.displayName.slice(0, 255),
        links: [{ displayName: 'Runbook', url: p.runbookUrl }, ...(p.links ?? []).map((l) => ({ displayName: l.displayName, url: l.url }))],
      },
      alertStrategy: { autoClose: `${AUTO_CLOSE_SECONDS}s` },
    });
  }
}
