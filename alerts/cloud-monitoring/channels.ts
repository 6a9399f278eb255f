/**
 * Notification channels from `env.notifications`, and the routing of each severity to them.
 * Credentials stay Secret Manager references all the way to the construct, which reads them with
 * a data source; no secret value ever appears in the plan or the synthesized stack.
 */
import { SECRET_REF_RE, type EnvironmentConfig } from '../../environments/schema';
import { SEVERITIES, type Severity } from '../../slos/schema';
import { severityRoutingTable } from '../routing';
import type { ChannelSpec, PolicySeverity, SecretVersionRef } from './model';

/** Splits `projects/<p>/secrets/<name>/versions/<v>`; throws on anything else. */
export function parseSecretRef(reference: string): SecretVersionRef {
  const m = /^projects\/([^/]+)\/secrets\/([^/]+)\/versions\/([^/]+)$/.exec(reference);
  if (!m || !SECRET_REF_RE.test(reference)) {
    throw new Error(`secret reference "${reference}" must be projects/<project>/secrets/<name>/versions/<version>`);
  }
  return { reference, project: m[1]!, secret: m[2]!, version: m[3]! };
}

/**
 * The channels of every configured severity, most urgent severity first. Whatever target a
 * severity names is used (the example routes `page` to PagerDuty, `critical`/`warning` to Slack
 * and `info` to e-mail); e-mail gets one channel per address.
 */
export function notificationChannels(env: EnvironmentConfig): ChannelSpec[] {
  const channels: ChannelSpec[] = [];
  for (const severity of SEVERITIES) {
    const target = env.notifications[severity];
    if (!target) continue;
    if (target.pagerduty) {
      channels.push({
        key: `${severity}-pagerduty`,
        severity,
        type: 'pagerduty',
        displayName: `${env.name} ${severity} (PagerDuty)`,
        labels: {},
        sensitiveLabels: { service_key: parseSecretRef(target.pagerduty.integrationKeySecret) },
      });
    }
    if (target.slack) {
      channels.push({
        key: `${severity}-slack`,
        severity,
        type: 'slack',
        displayName: `${env.name} ${severity} (Slack ${target.slack.channel})`,
        labels: { channel_name: target.slack.channel },
        sensitiveLabels: { auth_token: parseSecretRef(target.slack.tokenSecret) },
      });
    }
    for (const address of target.email?.addresses ?? []) {
      channels.push({
        key: `${severity}-email-${address.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase()}`,
        severity,
        type: 'email',
        displayName: `${env.name} ${severity} (e-mail ${address})`,
        labels: { email_address: address },
        sensitiveLabels: {},
      });
    }
  }
  return channels;
}

/** Which severity's channels receive alerts of each severity. */
export interface SeverityRouting {
  /** Channel keys per severity; every severity has at least one when any channel exists. */
  readonly channelKeys: Readonly<Record<Severity, readonly string[]>>;
  /** Severities routed to another severity because they have no channel of their own. */
  readonly fallbacks: readonly { readonly severity: Severity; readonly routedTo: Severity }[];
}

/**
 * Routes each severity to its own channels, or, when it has none, to the channels of the nearest
 * configured severity: the one routing table of alerts/routing.ts.
 */
export function severityRouting(channels: readonly ChannelSpec[]): SeverityRouting {
  const own = (s: Severity) => channels.filter((c) => c.severity === s).map((c) => c.key);
  const table = severityRoutingTable(SEVERITIES.filter((s) => own(s).length > 0));
  const channelKeys = {} as Record<Severity, readonly string[]>;
  for (const severity of SEVERITIES) {
    const to = table.routedTo[severity];
    channelKeys[severity] = to ? own(to) : [];
  }
  return { channelKeys, fallbacks: table.fallbacks };
}

/**
 * Cloud Monitoring has three policy severities for the platform's four: `page` is CRITICAL,
 * `critical` is ERROR, and `warning` and `info` are WARNING (the `severity` user label keeps the
 * platform level).
 */
export const POLICY_SEVERITY: Readonly<Record<Severity, PolicySeverity>> = Object.freeze({
  page: 'CRITICAL',
  critical: 'ERROR',
  warning: 'WARNING',
  info: 'WARNING',
});
