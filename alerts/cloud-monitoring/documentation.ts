/**
 * The cross-cutting transform applied to every policy: runbook link and first steps in the
 * documentation, the `severity` user label, the Cloud Monitoring severity, and the channels of
 * the severity. Applied once over all policies rather than written into each.
 */
import type { EnvironmentConfig } from '../../environments/schema';
import { POLICY_SEVERITY, type SeverityRouting } from './channels';
import type { PolicyDraft, PolicySpec } from './model';

/** Runbook page of the Cloud Monitoring policies, relative to `env.runbookBaseUrl`. */
export const RUNBOOK_PAGE = 'cloud-monitoring.md';

/** Full runbook URL of an anchor in docs/runbooks/cloud-monitoring.md. */
export function runbookUrl(env: EnvironmentConfig, anchor: string): string {
  return `${env.runbookBaseUrl.replace(/\/+$/, '')}/${RUNBOOK_PAGE}#${anchor}`;
}

/** User label values allow lower-case letters, digits, `_` and `-`, up to 63 characters. */
export function labelValue(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, 63);
}

/** The markdown documentation of a policy. */
export function documentationContent(draft: PolicyDraft, url: string): string {
  return [
    draft.summary,
    '',
    `Severity: **${draft.severity}**. Threshold: ${draft.thresholdNote}.`,
    '',
    'What to do first:',
    ...draft.firstSteps.map((s) => `- ${s}`),
    '',
    `Runbook: ${url}`,
    ...(draft.links ?? []).map((l) => `${l.displayName}: ${l.url}`),
  ].join('\n');
}

/** Finishes every draft: documentation, labels, Cloud Monitoring severity and channels. */
export function finishPolicies(drafts: readonly PolicyDraft[], env: EnvironmentConfig, routing: SeverityRouting): PolicySpec[] {
  return drafts.map(({ labels, runbookUrl: own, ...draft }) => {
    const url = own ?? runbookUrl(env, draft.runbookAnchor);
    const userLabels: Record<string, string> = { severity: draft.severity, area: draft.area };
    for (const [k, v] of Object.entries(labels ?? {})) userLabels[k] = labelValue(v);
    return {
      ...draft,
      policySeverity: POLICY_SEVERITY[draft.severity],
      userLabels,
      channelKeys: routing.channelKeys[draft.severity],
      documentation: documentationContent({ ...draft, ...(labels ? { labels } : {}) }, url),
      runbookUrl: url,
    };
  });
}
