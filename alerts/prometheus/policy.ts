/**
 * Cross-cutting alert policy, applied once over every rule (STYLE §6): the `team` label, the
 * `runbook_url` and the `dashboard_url` annotations. Renderers of individual alerts only say
 * where an alert routes (`AlertRouting`); this transform decides how that looks.
 */
import { LABEL } from '../../slos/conventions';
import { isAlertingRule, type AlertingRule, type RuleGroup } from './rules';

/** Annotation keys the policy sets. */
export const ANNOTATION = Object.freeze({ runbook: 'runbook_url', dashboard: 'dashboard_url' });

/**
 * Where alert links point. Each comes from a CLI flag (`--runbook-base-url`, `--grafana-url`) or
 * an environment given with `--env`; the specs' own `alerting.runbookUrl` wins over the base.
 */
export interface AlertLinks {
  /**
   * Base of the runbooks; an alert without its own runbook URL links to `<base>/<runbookPath>`.
   *
   * @default - such an alert gets no `runbook_url` annotation
   */
  readonly runbookBaseUrl?: string;
  /**
   * Grafana's URL; alerts link to `<grafanaUrl>/d/<dashboard uid>`.
   *
   * @default - no `dashboard_url` annotation (a relative link would not open from a notification)
   */
  readonly grafanaUrl?: string;
}

/** No links: only the specs' own runbook URLs. */
export const NO_LINKS: AlertLinks = Object.freeze({});

function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

/** The runbook URL of an alert: its explicit URL, else `<runbookBaseUrl>/<runbookPath>`, else none. */
export function runbookUrl(rule: AlertingRule, links: AlertLinks): string | undefined {
  if (rule.routing.runbookUrl !== undefined) return rule.routing.runbookUrl;
  return links.runbookBaseUrl === undefined ? undefined : join(links.runbookBaseUrl, rule.routing.runbookPath);
}

/** The dashboard URL of an alert, when the Grafana URL is known. */
export function dashboardUrl(rule: AlertingRule, links: AlertLinks): string | undefined {
  return links.grafanaUrl === undefined ? undefined : join(links.grafanaUrl, `d/${rule.routing.dashboardUid}`);
}

/** Applies the policy to one alerting rule. */
export function withAlertPolicy(rule: AlertingRule, links: AlertLinks): AlertingRule {
  const runbook = runbookUrl(rule, links);
  const dashboard = dashboardUrl(rule, links);
  return {
    ...rule,
    labels: { [LABEL.team]: rule.routing.team, ...rule.labels },
    annotations: {
      ...rule.annotations,
      ...(runbook === undefined ? {} : { [ANNOTATION.runbook]: runbook }),
      ...(dashboard === undefined ? {} : { [ANNOTATION.dashboard]: dashboard }),
    },
  };
}

/** Applies the policy to every alerting rule of `groups`; recording rules pass unchanged. */
export function applyAlertPolicy(groups: readonly RuleGroup[], links: AlertLinks): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map((r) => (isAlertingRule(r) ? withAlertPolicy(r, links) : r)) }));
}
