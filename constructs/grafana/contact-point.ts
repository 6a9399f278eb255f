/** A Grafana contact point: where notifications of one severity go. */
import { Construct, Token } from '../framework';
import { GeneratedContactPoint, type ContactPointEmail, type ContactPointPagerduty, type ContactPointSlack } from './bindings';
import type { MessageTemplate } from './message-template';

/** Which message templates the integrations render their title and body with. */
export interface ContactPointTemplates {
  /** The message template that defines both. */
  readonly messageTemplate: MessageTemplate;
  /** Name of the template (a `define` in `messageTemplate`) that renders the title. */
  readonly title: string;
  /** Name of the template that renders the body. */
  readonly body: string;
}

/** Props of {@link ContactPoint}. */
export interface ContactPointProps {
  /** Contact point name; notification policies route to it by this name. */
  readonly name: string;
  /**
   * PagerDuty Events API v2 integration.
   *
   * @default - no PagerDuty integration.
   */
  readonly pagerduty?: {
    /** Integration key, as a Terraform reference to a secret (e.g. `SecretVersion.value`); literals are rejected. */
    readonly integrationKey: string;
  };
  /**
   * Slack integration through a bot token.
   *
   * @default - no Slack integration.
   */
  readonly slack?: {
    /** Channel (`#name`) or channel ID to post to. */
    readonly recipient: string;
    /** Bot token, as a Terraform reference to a secret; literals are rejected. */
    readonly token: string;
  };
  /**
   * E-mail integration.
   *
   * @default - no e-mail integration.
   */
  readonly email?: {
    /** Recipients. */
    readonly addresses: readonly string[];
  };
  /**
   * Message templates for titles and bodies.
   *
   * @default - Grafana's built-in default templates.
   */
  readonly templates?: ContactPointTemplates;
}

/** A `grafana_contact_point` with PagerDuty, Slack and/or e-mail integrations. */
export class ContactPoint extends Construct {
  /** The contact point resource. */
  readonly resource: GeneratedContactPoint;
  /** The contact point name, as a Terraform reference, for notification policies. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: ContactPointProps) {
    super(scope, id);
    if (!props.pagerduty && !props.slack && !props.email) {
      throw new Error(`contact point "${props.name}" needs at least one of pagerduty, slack or email`);
    }
    if (props.pagerduty) assertReference(props.name, 'pagerduty.integrationKey', props.pagerduty.integrationKey);
    if (props.slack) assertReference(props.name, 'slack.token', props.slack.token);
    if (props.email && props.email.addresses.length === 0)
      throw new Error(`contact point "${props.name}" has an email integration without addresses`);

    const t = props.templates;
    for (const name of t ? [t.title, t.body] : []) {
      if (!t!.messageTemplate.defines.includes(name)) {
        throw new Error(`contact point "${props.name}" uses template "${name}", which the message template does not define`);
      }
    }
    const use = (name: string | undefined) => (name ? `{{ template "${name}" . }}` : undefined);
    const pagerduty: ContactPointPagerduty[] = props.pagerduty
      ? [{ integrationKey: props.pagerduty.integrationKey, summary: use(t?.title) }]
      : [];
    const slack: ContactPointSlack[] = props.slack
      ? [{ recipient: props.slack.recipient, token: props.slack.token, title: use(t?.title), text: use(t?.body) }]
      : [];
    const email: ContactPointEmail[] = props.email
      ? [{ addresses: [...props.email.addresses], subject: use(t?.title), message: use(t?.body), singleEmail: true }]
      : [];
    this.resource = new GeneratedContactPoint(this, 'Resource', {
      name: props.name,
      ...(pagerduty.length > 0 ? { pagerduty } : {}),
      ...(slack.length > 0 ? { slack } : {}),
      ...(email.length > 0 ? { email } : {}),
      // Grafana rejects a contact point naming a template that does not exist yet.
      ...(t ? { dependsOn: [t.messageTemplate.resource] } : {}),
    });
    this.name = this.resource.name;
  }
}

function assertReference(contactPoint: string, field: string, value: string): void {
  // A resolved string here would be a secret typed into the code or config.
  if (!Token.isUnresolved(value)) {
    throw new Error(
      `contact point "${contactPoint}": ${field} must be a Terraform reference to a secret (e.g. SecretVersion.value), not a literal`,
    );
  }
}
