/** The notification policy tree of a Grafana organisation. */
import { Construct } from '../framework';
import { GeneratedNotificationPolicy, type NotificationPolicyPolicy } from './bindings';

/** One child policy: alerts whose labels all equal `matchers` go to `contactPoint`. */
export interface NotificationRoute {
  /** Label equality matchers; every one must match. */
  readonly matchers: Readonly<Record<string, string>>;
  /** Name of the contact point (pass `ContactPoint.name`). */
  readonly contactPoint: string;
}

/** Props of {@link NotificationPolicy}. */
export interface NotificationPolicyProps {
  /** Contact point of alerts no route matches. */
  readonly defaultContactPoint: string;
  /**
   * Labels alerts are grouped by into one notification.
   *
   * Applies to the root and every route.
   */
  readonly groupBy: readonly string[];
  /** Child policies, tried in order; the first match wins. */
  readonly routes: readonly NotificationRoute[];
  /**
   * How long to wait to send the first notification of a new group.
   *
   * @default - Grafana's default, 30 s.
   */
  readonly groupWait?: string;
  /**
   * How long to wait before notifying about new alerts in a group already notified.
   *
   * @default - Grafana's default, 5 m.
   */
  readonly groupInterval?: string;
  /**
   * How long to wait before repeating a notification of a still-firing group.
   *
   * @default - Grafana's default, 4 h.
   */
  readonly repeatInterval?: string;
}

/**
 * A `grafana_notification_policy`. There is one per organisation and it owns the whole tree:
 * applying it replaces routes made elsewhere.
 */
export class NotificationPolicy extends Construct {
  /** The policy resource. */
  readonly resource: GeneratedNotificationPolicy;

  constructor(scope: Construct, id: string, props: NotificationPolicyProps) {
    super(scope, id);
    if (props.groupBy.length === 0) throw new Error('notification policy groupBy must name at least one label (or "..." for no grouping)');
    const policy: NotificationPolicyPolicy[] = props.routes.map((r) => {
      const matchers = Object.entries(r.matchers);
      if (matchers.length === 0)
        throw new Error('a notification route needs at least one matcher; use defaultContactPoint for a catch-all');
      return {
        contactPoint: r.contactPoint,
        groupBy: [...props.groupBy],
        matcher: matchers.map(([label, value]) => ({ label, match: '=', value })),
      };
    });
    this.resource = new GeneratedNotificationPolicy(this, 'Resource', {
      contactPoint: props.defaultContactPoint,
      groupBy: [...props.groupBy],
      groupWait: props.groupWait,
      groupInterval: props.groupInterval,
      repeatInterval: props.repeatInterval,
      policy,
    });
  }
}
