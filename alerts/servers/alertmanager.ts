/**
 * The Alertmanager configuration of an environment: one receiver per configured severity, routed
 * by the `severity` label through the routing table every alert path shares (alerts/routing.ts),
 * grouped per SLO, and a ticket held back while the page of the same SLO fires.
 *
 * Credentials are only ever file paths (`routing_key_file`, `credentials_file`,
 * `smtp_auth_password_file`): the files are mounted from Secret Manager beside Alertmanager, so
 * no secret is in the config. Alertmanager expands Go templates in receiver fields, so every
 * value that comes from the environment is made literal ({@link literalTemplate}); notification
 * text comes only from our own template file.
 */
import { LABEL } from '../../slos/conventions';
import { SEVERITIES, type Severity } from '../../slos/schema';
import { NOTIFICATION_GROUP_BY, severityRoutingTable, TEMPLATE_NAMES } from '../routing';
import type { ReceiverInput, ServerInputs } from './inputs';

/** Path of the message template file, relative to alertmanager.yml (Alertmanager resolves it so). */
export const ALERTMANAGER_TEMPLATE_FILE = 'templates/slo.tmpl';

/** Slack's Web API method that posts as the bot whose token authorizes the request. */
export const SLACK_POST_MESSAGE_URL = 'https://slack.com/api/chat.postMessage';

/** Name of the receiver of a severity's target. */
export function receiverName(environment: string, severity: Severity): string {
  return `${environment}-${severity}`;
}

/**
 * `value` as Go template text that renders exactly `value`: unchanged when it holds no action
 * delimiter, else one string-constant action (Go reads JSON string escapes the same way).
 */
export function literalTemplate(value: string): string {
  return value.includes('{{') || value.includes('}}') ? `{{ ${JSON.stringify(value)} }}` : value;
}

const template = (name: string) => `{{ template "${name}" . }}`;

function receiver(inputs: ServerInputs, r: ReceiverInput) {
  const title = template(TEMPLATE_NAMES.title);
  const body = template(TEMPLATE_NAMES.body);
  return {
    name: receiverName(inputs.environment, r.severity),
    ...(r.pagerduty
      ? { pagerduty_configs: [{ routing_key_file: r.pagerduty.routingKeyFile, description: title, send_resolved: true }] }
      : {}),
    ...(r.slack
      ? {
          slack_configs: [
            {
              api_url: SLACK_POST_MESSAGE_URL,
              channel: literalTemplate(r.slack.channel),
              http_config: { authorization: { type: 'Bearer', credentials_file: r.slack.tokenFile } },
              title,
              text: body,
              send_resolved: true,
            },
          ],
        }
      : {}),
    ...(r.email
      ? {
          email_configs: r.email.addresses.map((address) => ({
            to: literalTemplate(address),
            headers: { Subject: title },
            text: body,
            html: '',
            send_resolved: true,
          })),
        }
      : {}),
  };
}

/** The inhibition: a ticket of an SLO is held back while the page of the same SLO fires. */
export function ticketInhibition() {
  return {
    source_matchers: [`${LABEL.alertKind}="page"`],
    target_matchers: [`${LABEL.alertKind}="ticket"`],
    // Both kinds of burn-rate alert carry both labels, so `equal` never matches two alerts
    // that merely both lack them.
    equal: [LABEL.service, LABEL.slo],
  };
}

/** `alertmanager.yml` as plain data; `undefined` when no severity has a notification target. */
export function alertmanagerConfig(inputs: ServerInputs) {
  const table = severityRoutingTable(inputs.receivers.map((r) => r.severity));
  if (!table.defaultSeverity) return undefined;
  const hasEmail = inputs.receivers.some((r) => r.email);
  const { smtp } = inputs;
  return {
    global: {
      ...(hasEmail
        ? {
            smtp_smarthost: smtp.smarthost,
            smtp_from: smtp.from,
            ...(smtp.username ? { smtp_auth_username: smtp.username } : {}),
            ...(smtp.passwordFile ? { smtp_auth_password_file: smtp.passwordFile } : {}),
          }
        : {}),
    },
    templates: [ALERTMANAGER_TEMPLATE_FILE],
    route: {
      receiver: receiverName(inputs.environment, table.defaultSeverity),
      group_by: [...NOTIFICATION_GROUP_BY],
      routes: SEVERITIES.flatMap((severity) => {
        const to = table.routedTo[severity];
        return to ? [{ matchers: [`${LABEL.severity}="${severity}"`], receiver: receiverName(inputs.environment, to) }] : [];
      }),
    },
    inhibit_rules: [ticketInhibition()],
    receivers: inputs.receivers.map((r) => receiver(inputs, r)),
  };
}

/** The receiver an alert of `severity` must reach (what the routing test expects). */
export function expectedReceiver(inputs: ServerInputs, severity: string | undefined): string | undefined {
  const table = severityRoutingTable(inputs.receivers.map((r) => r.severity));
  const to = (SEVERITIES as readonly string[]).includes(severity ?? '') ? table.routedTo[severity as Severity] : table.defaultSeverity;
  return to ? receiverName(inputs.environment, to) : undefined;
}
