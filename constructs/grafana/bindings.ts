/**
 * The one module through which the Grafana constructs reach provider bindings: the generated
 * `grafana/grafana` classes (providers/grafana, regenerate with `npm run bindings:grafana`) and
 * the Google data source that reads Secret Manager. Deep per-resource paths only, so loading a
 * stack pays for the resources it uses and never for a whole provider package.
 */
export { GrafanaProvider as GeneratedGrafanaProvider } from '../../providers/grafana/provider';
export { Folder } from '../../providers/grafana/folder';
export { DataSource } from '../../providers/grafana/data-source';
export { Dashboard } from '../../providers/grafana/dashboard';
export { ContactPoint as GeneratedContactPoint } from '../../providers/grafana/contact-point';
export type { ContactPointEmail, ContactPointPagerduty, ContactPointSlack } from '../../providers/grafana/contact-point';
export { NotificationPolicy as GeneratedNotificationPolicy } from '../../providers/grafana/notification-policy';
export type { NotificationPolicyPolicy } from '../../providers/grafana/notification-policy';
export { RuleGroup } from '../../providers/grafana/rule-group';
export type { RuleGroupRule, RuleGroupRuleData } from '../../providers/grafana/rule-group';
export { MessageTemplate as GeneratedMessageTemplate } from '../../providers/grafana/message-template';
export { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
