/** A Cloud Monitoring notification channel of one severity. */
import type { ChannelSpec } from '../../../alerts/cloud-monitoring/model';
import { Construct } from '../../framework';
import { MonitoringNotificationChannel } from '../monitoring-bindings';

/** Props of {@link NotificationChannel}. */
export interface NotificationChannelProps {
  /**
   * The channel, as the plan describes it.
   *
   * Its sensitive labels are secret references; their values come from `secretValues`.
   */
  readonly channel: ChannelSpec;
  /**
   * Tokens of the secret values, by secret reference (see SecretVersionValue).
   *
   * @default {} - valid only for channels without sensitive labels (e-mail)
   */
  readonly secretValues?: Readonly<Record<string, string>>;
}

/** A `google_monitoring_notification_channel` (PagerDuty, Slack or e-mail). */
export class NotificationChannel extends Construct {
  /** The channel resource. */
  public readonly resource: MonitoringNotificationChannel;
  /** Full channel name (`projects/…/notificationChannels/…`), what policies reference. */
  public readonly channelName: string;

  constructor(scope: Construct, id: string, props: NotificationChannelProps) {
    super(scope, id);
    const { channel } = props;
    const values = props.secretValues ?? {};
    const sensitive: { serviceKey?: string; authToken?: string } = {};
    for (const [label, ref] of Object.entries(channel.sensitiveLabels)) {
      const value = ref ? values[ref.reference] : undefined;
      if (value === undefined)
        throw new Error(`channel "${channel.key}": no secret value for ${label} (${ref?.reference ?? 'missing reference'})`);
      if (label === 'service_key') sensitive.serviceKey = value;
      else sensitive.authToken = value;
    }
    this.resource = new MonitoringNotificationChannel(this, 'Resource', {
      displayName: channel.displayName,
      type: channel.type,
      labels: { ...channel.labels },
      ...(Object.keys(sensitive).length > 0 ? { sensitiveLabels: sensitive } : {}),
      userLabels: { severity: channel.severity },
    });
    this.channelName = this.resource.name;
  }
}
