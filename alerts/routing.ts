/**
 * The one routing table of every alert path: which configured severity's notification target
 * receives alerts of each severity, how alerts are grouped into one notification, and the text of
 * every notification. Grafana (stacks/observability.ts), Cloud Monitoring
 * (alerts/cloud-monitoring/channels.ts) and Alertmanager (alerts/servers/alertmanager.ts) all read
 * it, so the three paths cannot route one alert differently.
 */
import { LABEL } from '../slos/conventions';
import { SEVERITIES, type Severity } from '../slos/schema';

/** Where alerts of each severity go. */
export interface SeverityRoutingTable {
  /**
   * The severity whose target receives alerts of each severity: the severity itself when it has a
   * target, else the nearest configured one (see {@link severityRoutingTable}); absent when no
   * severity has a target.
   */
  readonly routedTo: Readonly<Partial<Record<Severity, Severity>>>;
  /** Severities routed to another severity because they have no target of their own. */
  readonly fallbacks: readonly { readonly severity: Severity; readonly routedTo: Severity }[];
  /** The target of alerts with no known severity: the least urgent configured one. */
  readonly defaultSeverity?: Severity;
}

/**
 * Routes each severity to its own target, or, when it has none, to the target of the nearest
 * configured severity, preferring the more urgent one on a tie, so that no alert goes nowhere.
 * `configured` lists the severities that have a target, in any order.
 */
export function severityRoutingTable(configured: readonly Severity[]): SeverityRoutingTable {
  const has = new Set(configured);
  const routedTo: Partial<Record<Severity, Severity>> = {};
  const fallbacks: { severity: Severity; routedTo: Severity }[] = [];
  SEVERITIES.forEach((severity, rank) => {
    const byDistance = SEVERITIES.map((s, r) => ({ s, d: Math.abs(r - rank), r })).sort((a, b) => a.d - b.d || a.r - b.r);
    const hit = byDistance.find(({ s }) => has.has(s));
    if (!hit) return;
    routedTo[severity] = hit.s;
    if (hit.s !== severity) fallbacks.push({ severity, routedTo: hit.s });
  });
  const defaultSeverity = [...SEVERITIES].reverse().find((s) => has.has(s));
  return { routedTo, fallbacks, ...(defaultSeverity ? { defaultSeverity } : {}) };
}

/** Labels that group alerts into one notification: one per SLO of a service. */
export const NOTIFICATION_GROUP_BY = Object.freeze([LABEL.service, LABEL.slo]);

/** Names of the templates the message template defines. */
export const TEMPLATE_NAMES = Object.freeze({ title: 'slo.title', body: 'slo.body' });

/**
 * Title and body of every notification: the severity, the service and SLO, each alert's
 * summary and description, and its runbook link. Grafana and Alertmanager share the Go template
 * language and these fields, so both use this one text.
 */
export function messageTemplateText(): string {
  return [
    `{{ define "${TEMPLATE_NAMES.title}" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ` +
      `{{ .CommonLabels.${LABEL.severity} }} {{ .CommonLabels.${LABEL.service} }}/{{ .CommonLabels.${LABEL.slo} }}{{ end }}`,
    `{{ define "${TEMPLATE_NAMES.body}" }}{{ range .Alerts }}{{ .Annotations.summary }}`,
    `{{ .Annotations.description }}`,
    `{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}{{ end }}`,
    `{{ end }}{{ end }}`,
    '',
  ].join('\n');
}
