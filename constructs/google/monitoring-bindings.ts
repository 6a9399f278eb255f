/**
 * The Google provider classes the monitoring constructs use, each by its deep path: loading the
 * package root would load every binding of the provider (seconds and hundreds of MB).
 */
export { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
export { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
export type {
  MonitoringAlertPolicyConditions,
  MonitoringAlertPolicyConditionsConditionThresholdAggregations,
} from '@cdktf/provider-google/lib/monitoring-alert-policy';
export { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
export { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
export { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
export { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
export { DataGoogleCloudRunV2Service } from '@cdktf/provider-google/lib/data-google-cloud-run-v2-service';
