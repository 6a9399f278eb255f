/**
 * Cross-cutting alert policy, applied once over every rule (STYLE §6): the `team` label, the
 * `runbook_url` and the `dashboard_url` annotations. Renderers of individual alerts only say
 * where an alert routes (`AlertRouting`); this transform decides how that looks.
 */
import type { EnvironmentConfig } from '../../environments/schema';
import { LABEL } from '../../slos/conventions';
import { isAlertingRule, type AlertingRule, type RuleGroup } from './rules';

/** Annotation keys the policy sets. */
export const ANNOTATION = Object.freeze({ runbook: 'runbook_url', dashboard: 'dashboard_url' });

/** The runbook URL of an alert: its explicit URL, else `<runbookBaseUrl>/<runbookPath>`. */
export function runbookUrl(rule: AlertingRule, env: EnvironmentConfig): string {
  return rule.routing.runbookUrl ?? `${env.runbookBaseUrl.replace(/\/+$/, '')}/${rule.routing.runbookPath}`;
}

/** The dashboard URL of an alert. */
export function dashboardUrl(rule: AlertingRule, env: EnvironmentConfig): string {
  return `${env.grafana.url.replace(/\/+$/, '')}/d/${rule.routing.dashboardUid}`;
}

/** Applies the policy to one alerting rule. */
export function withAlertPolicy(rule: AlertingRule, env: EnvironmentConfig): AlertingRule {
  return {
    ...rule,
    labels: { [LABEL.team]: rule.routing.team, ...rule.labels },
    annotations: { ...rule.annotations, [ANNOTATION.runbook]: runbookUrl(rule, env), [ANNOTATION.dashboard]: dashboardUrl(rule, env) },
  };
}

/** Applies the policy to every alerting rule of `groups`; recording rules pass unchanged. */
export function applyAlertPolicy(groups: readonly RuleGroup[], env: EnvironmentConfig): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map((r) => (isAlertingRule(r) ? withAlertPolicy(r, env) : r)) }));
}
