import type { ChannelSpec, CloudMonitoringSloSpec, PolicySpec, UptimeCheckSpec } from '../../../../alerts/cloud-monitoring';
import { parseSecretRef, uptimeCheckerLocationCount } from '../../../../alerts/cloud-monitoring';
import { TerraformStack, Testing } from '../../../../constructs/framework';
import { AlertPolicy } from '../../../../constructs/google/monitoring/alert-policy';
import { NotificationChannel } from '../../../../constructs/google/monitoring/notification-channel';
import { SecretVersionValue } from '../../../../constructs/google/monitoring/secret-version-value';
import { ServiceLevelObjective, sloProblems } from '../../../../constructs/google/monitoring/service-level-objective';
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
  target: { kind: 'host', host: 'europe-west1.api.example.com' },
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
      // provider doc of selected_regions: "enough regions to include a minimum of 3 locations"
      'rejects an uptime check whose regions hold fewer than 3 checker locations',
      (s) => new UptimeCheck(s, 'U', { check: { ...check, selectedRegions: ['EUROPE', 'ASIA_PACIFIC'] } }),
      'cloud monitoring needs at least 3 checker locations, got 2 from EUROPE, ASIA_PACIFIC',
    ],
    [
      'rejects an uptime checker region the API does not have',
      (s) => new UptimeCheck(s, 'U', { check: { ...check, selectedRegions: ['EUROPE', 'USA', 'AFRICA'] } }),
      'uptime checker region AFRICA is not one of USA, USA_OREGON',
    ],
    [
      // provider doc of period: "the only supported values are 60s …, 300s …, 600s …, and 900s"
      'rejects an uptime period the API does not support',
      (s) => new UptimeCheck(s, 'U', { check: { ...check, periodSeconds: 120 } }),
      'period must be 60, 300, 600 or 900 s, got 120',
    ],
    [
      // provider doc of condition duration: "only values that are a multiple of a minute"
      'rejects a condition duration that is not a whole number of minutes',
      (s) => new AlertPolicy(s, 'P', { policy: { ...policy, conditions: [{ ...policy.conditions[0]!, durationSeconds: 90 }] } }),
      'duration must be a multiple of 60 s, got 90',
    ],
    [
      // provider doc of user_labels: "only lowercase letters, numerals, underscores, and dashes"
      'rejects a user label the API would refuse',
      (s) => new AlertPolicy(s, 'P', { policy: { ...policy, userLabels: { slo: 'api/Availability' } } }),
      'user label slo=api/Availability is not lowercase letters, digits, _ and -',
    ],
    [
      // provider doc of documentation links: "must not be empty or exceed 63 characters"
      'rejects a documentation link whose display name exceeds 63 characters',
      (s) => new AlertPolicy(s, 'P', { policy: { ...policy, links: [{ displayName: 'x'.repeat(64), url: 'https://example.com' }] } }),
      'display name must be 1–63 characters',
    ],
  ])('%s', (_name, build, message) => {
    expect(() => build(new TerraformStack(Testing.app(), 'bad'))).toThrow(message);
  });

  test('accepts USA alone, which the API counts as three checker locations', () => {
    // given the three US locations behind the single USA value
    expect(uptimeCheckerLocationCount(['USA'])).toBe(3);
    // when / then the construct accepts it
    expect(
      () => new UptimeCheck(new TerraformStack(Testing.app(), 'ok'), 'U', { check: { ...check, selectedRegions: ['USA'] } }),
    ).not.toThrow();
  });
});

describe('service level objective', () => {
  const slo: CloudMonitoringSloSpec = {
    key: 'api-latency',
    serviceKey: 'api',
    sloId: 'latency',
    sloRef: 'api/latency',
    displayName: 'api/latency',
    goal: 0.99,
    rollingPeriodDays: 7,
    userLabels: { slo: 'api-latency' },
    sli: { kind: 'distributionCut', distributionFilter: 'metric.type="run.googleapis.com/request_latencies"', rangeMax: 50 },
  };
  const synthSlo = (s: CloudMonitoringSloSpec): Resource => {
    const stack = new TerraformStack(Testing.app(), 'slo');
    new ServiceLevelObjective(stack, 'Slo', { slo: s, serviceId: 'api' });
    return only(JSON.parse(Testing.synth(stack)), 'resource', 'google_monitoring_slo');
  };

  test('a distribution cut writes both bounds, [0, threshold]', () => {
    // given a latency SLO; when synthesized
    const out = synthSlo(slo);
    // then min is explicit: the provider doc of the request-based range says an unset bound "will be set to 0"
    expect(out.request_based_sli).toEqual({
      distribution_cut: {
        distribution_filter: slo.sli.kind === 'distributionCut' ? slo.sli.distributionFilter : '',
        range: { min: 0, max: 50 },
      },
    });
  });

  test('warns on a goal above the 0.999 the provider documents but the API accepts', () => {
    // given a 99.95 % SLO
    const stack = new TerraformStack(Testing.app(), 'slo');
    const construct = new ServiceLevelObjective(stack, 'Slo', { slo: { ...slo, goal: 0.9995 }, serviceId: 'api' });
    // then it is created with a warning naming both limits
    const warnings = construct.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual(["slo api/latency: goal 0.9995 is above the provider's documented 0.999 (the API reference allows 0.9999)"]);
  });

  test.each<[string, Partial<CloudMonitoringSloSpec>, string]>([
    // API reference of ServiceLevelObjective.goal: 0 < goal <= 0.9999
    ['rejects a goal of 1', { goal: 1 }, 'goal must be in (0, 0.9999], got 1'],
    // provider doc of rolling_period_days: "between 1 to 30 days, inclusive"
    ['rejects a rolling period above 30 days', { rollingPeriodDays: 31 }, 'rolling period must be 1–30 days, got 31'],
    // provider doc of good_total_ratio: "Exactly two of 'good_service_filter','bad_service_filter','total_service_filter' must be set"
    [
      'rejects a ratio with all three filters',
      { sli: { kind: 'goodTotalRatio', goodFilter: 'g', badFilter: 'b', totalFilter: 't' } },
      'needs exactly two of the good, bad and total filters, got 3',
    ],
    // provider doc of user_labels: "only lowercase letters, numerals, underscores, and dashes"
    ['rejects a user label the API would refuse', { userLabels: { slo: 'API/Latency' } }, 'user label slo=API/Latency'],
  ])('%s', (_name, change, message) => {
    expect(sloProblems({ ...slo, ...change })).toEqual([expect.stringContaining(message)]);
    expect(() => synthSlo({ ...slo, ...change })).toThrow(message);
  });
});
