import type { ChannelSpec, PolicySpec, UptimeCheckSpec } from '../../../../alerts/cloud-monitoring';
import { parseSecretRef } from '../../../../alerts/cloud-monitoring';
import { TerraformStack, Testing } from '../../../../constructs/framework';
import { AlertPolicy } from '../../../../constructs/google/monitoring/alert-policy';
import { NotificationChannel } from '../../../../constructs/google/monitoring/notification-channel';
import { SecretVersionValue } from '../../../../constructs/google/monitoring/secret-version-value';
import { UptimeCheck } from '../../../../constructs/google/monitoring/uptime-check';

const secret = parseSecretRef('projects/demo-project-1/secrets/pd-key/versions/3');

const channel: ChannelSpec = {
  key: 'page-pagerduty',
  severity: 'page',
  type: 'pagerduty',
  displayName: 'demo page',
  labels: {},
  sensitiveLabels: { service_key: secret },
};

const check: UptimeCheckSpec = {
  key: 'health-euw1',
  region: 'europe-west1',
  displayName: 'demo health',
  project: 'demo-project-1',
  host: 'europe-west1.api.example.com',
  path: '/health',
  port: 443,
  periodSeconds: 300,
  timeoutSeconds: 10,
  selectedRegions: ['EUROPE', 'USA', 'ASIA_PACIFIC'],
};

const policy: PolicySpec = {
  key: 'ratio',
  area: 'cloud-run',
  displayName: 'demo ratio',
  severity: 'warning',
  policySeverity: 'WARNING',
  combiner: 'OR',
  conditions: [
    {
      kind: 'threshold',
      displayName: 'ratio',
      filter: 'metric.label.check_id="{{uptimeCheckId:health-euw1}}"',
      comparison: 'COMPARISON_GT',
      thresholdValue: 0.01,
      durationSeconds: 300,
      aggregations: [
        { alignmentPeriodSeconds: 300, perSeriesAligner: 'ALIGN_RATE', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['a'] },
      ],
      denominator: { filter: 'total', aggregations: [{ alignmentPeriodSeconds: 300, perSeriesAligner: 'ALIGN_RATE' }] },
      triggerCount: 2,
    },
  ],
  runbookAnchor: 'run-5xx',
  summary: 's',
  firstSteps: ['x'],
  thresholdNote: 'n',
  userLabels: { severity: 'warning' },
  channelKeys: ['c'],
  documentation: 'doc',
  runbookUrl: 'https://example.com/r.md#run-5xx',
};

type Resource = Record<string, unknown>;
function only(synth: Record<string, Record<string, Record<string, Resource>>>, kind: 'resource' | 'data', type: string): Resource {
  const all = Object.values(synth[kind]?.[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('monitoring constructs', () => {
  let out: Record<string, Record<string, Record<string, Resource>>>;
  beforeAll(() => {
    // given one of each construct in a scope
    const stack = new TerraformStack(Testing.app(), 'test');
    const value = new SecretVersionValue(stack, 'Secret', { secret });
    new NotificationChannel(stack, 'Channel', { channel, secretValues: { [secret.reference]: value.value } });
    new UptimeCheck(stack, 'Uptime', { check });
    new AlertPolicy(stack, 'Policy', {
      policy,
      notificationChannels: ['projects/p/notificationChannels/1'],
      references: { uptimeCheckId: { 'health-euw1': 'abc' } },
    });
    // when
    out = JSON.parse(Testing.synth(stack));
  });

  test('the secret is read by a data source from the parsed reference', () => {
    expect(only(out, 'data', 'google_secret_manager_secret_version')).toMatchObject({
      project: 'demo-project-1',
      secret: 'pd-key',
      version: '3',
    });
  });

  test('the channel takes its credential from the data source, never a literal', () => {
    const ch = only(out, 'resource', 'google_monitoring_notification_channel');
    expect(ch).toMatchObject({ type: 'pagerduty', user_labels: { severity: 'page' } });
    expect((ch.sensitive_labels as Resource).service_key).toMatch(/^\$\{data\.google_secret_manager_secret_version\..*\.secret_data\}$/);
  });

  test('the uptime check probes the host over tls with the period, timeout and regions given', () => {
    expect(only(out, 'resource', 'google_monitoring_uptime_check_config')).toMatchObject({
      period: '300s',
      timeout: '10s',
      selected_regions: ['EUROPE', 'USA', 'ASIA_PACIFIC'],
      monitored_resource: { type: 'uptime_url', labels: { project_id: 'demo-project-1', host: 'europe-west1.api.example.com' } },
      http_check: { path: '/health', port: 443, use_ssl: true, validate_ssl: true },
    });
  });

  test('the policy maps threshold, ratio, trigger and documentation and fills placeholders', () => {
    const p = only(out, 'resource', 'google_monitoring_alert_policy');
    expect(p).toMatchObject({
      severity: 'WARNING',
      notification_channels: ['projects/p/notificationChannels/1'],
      documentation: {
        content: 'doc',
        mime_type: 'text/markdown',
        links: [{ display_name: 'Runbook', url: 'https://example.com/r.md#run-5xx' }],
      },
      conditions: [
        {
          condition_threshold: {
            filter: 'metric.label.check_id="abc"',
            threshold_value: 0.01,
            duration: '300s',
            denominator_filter: 'total',
            trigger: { count: 2 },
            aggregations: [
              { alignment_period: '300s', per_series_aligner: 'ALIGN_RATE', cross_series_reducer: 'REDUCE_SUM', group_by_fields: ['a'] },
            ],
          },
        },
      ],
    });
  });

  test.each<[string, (s: TerraformStack) => void, string]>([
    [
      'fails on an unresolved placeholder',
      (s) => new AlertPolicy(s, 'P', { policy }),
      'unresolved reference {{uptimeCheckId:health-euw1}}',
    ],
    [
      'fails on a channel whose secret value is missing',
      (s) => new NotificationChannel(s, 'C', { channel }),
      'channel "page-pagerduty": no secret value for service_key',
    ],
    [
      'rejects an uptime check with fewer than 3 checker regions',
      (s) => new UptimeCheck(s, 'U', { check: { ...check, selectedRegions: ['EUROPE', 'USA'] } }),
      'cloud monitoring needs at least 3 checker regions, got 2',
    ],
  ])('%s', (_name, build, message) => {
    expect(() => build(new TerraformStack(Testing.app(), 'bad'))).toThrow(message);
  });
});
