/**
 * Cloud Monitoring PromQL policies: one per alert of the rule files that Cloud Monitoring can
 * evaluate, each carrying its alert's full expression, `for`, interval, labels and routing; the
 * environment switch; the limits that fail synth naming the SLO; spec text that must not become a
 * Terraform template.
 */
import { readFileSync } from 'node:fs';
import {
  cloudMonitoringPlan,
  MAX_ALERT_POLICIES_PER_PROJECT,
  metricsRead,
  notificationChannels,
  severityRouting,
  type PolicySpec,
  type PromqlCondition,
} from '../../../alerts/cloud-monitoring';
import { synthesizedPromqlConditions } from '../../../alerts/cloud-monitoring/promql-rule-file';
import { isAlertingRule, type AlertingRule } from '../../../alerts/prometheus/rules';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { platformSlos } from '../../../environments/platform-slos';
import type { EnvironmentConfig } from '../../../environments/schema';
import { metricsOutsideCloudMonitoring } from '../../../layers/platform/metrics-contract';
import { buildCatalog } from '../../../slos/catalog';
import { parseDuration } from '../../../slos/duration';
import type { SloCatalog } from '../../../slos/model';
import { promqlPolicyInputs } from '../../../layers/platform/managed-evaluation';
import { exampleCatalog, synthMonitoring } from './promql-harness';

const env = loadEnvironmentOrThrow('example');
const catalog = exampleCatalog();

function promqlOf(policies: readonly PolicySpec[]): { policy: PolicySpec; condition: PromqlCondition }[] {
  return policies.flatMap((policy) => policy.conditions.flatMap((c) => (c.kind === 'promql' ? [{ policy, condition: c }] : [])));
}

/** The specs of slos/ with `file` replaced by `change(its text)`. */
function catalogWith(file: string, change: (text: string) => string, extra: { file: string; text: string }[] = []): SloCatalog {
  const files = ['api', 'auth', 'logging', 'notifications', 'reports'].map((s) => {
    const path = `slos/${s}.yaml`;
    const text = readFileSync(path, 'utf8');
    return { file: path, text: path === file ? change(text) : text };
  });
  const result = buildCatalog([...files, ...extra]);
  if (!result.catalog) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.catalog;
}

describe('PromQL policies of the example environment', () => {
  const inputs = promqlPolicyInputs({ env, catalog });
  const plan = cloudMonitoringPlan(env, catalog, inputs);
  const promql = promqlOf(plan.policies);
  const outside = new Set(metricsOutsideCloudMonitoring(env, platformSlos(env, catalog)));
  const ruleAlerts: AlertingRule[] = inputs.ruleFiles.flatMap((f) => f.groups.flatMap((g) => g.rules.filter(isAlertingRule)));

  test('every alert of the rule files gets one policy with one PromQL condition, except those reading a metric Cloud Monitoring does not hold', () => {
    // given the alerts that read only collected metrics (the recorded ratios of the availability SLO read probe_success)
    const skipped = promql.length === 0 ? [] : ruleAlerts.filter((a) => !promql.some((p) => p.condition.alertRule === a.alert));
    // then each policy has exactly one condition, and every skipped alert is one over the blackbox probes
    expect(promql.length).toBeGreaterThan(0);
    for (const { policy } of promql) expect(policy.conditions).toHaveLength(1);
    expect(new Set(skipped.map((a) => a.alert))).toEqual(
      new Set(['ApiAvailabilityBudgetBurn', 'ApiAvailabilityBudgetConsumed', 'ApiAvailabilityNoData', 'ApiAvailabilityLow']),
    );
    for (const { condition } of promql) expect(metricsRead(condition.query).some((m) => outside.has(m))).toBe(false);
    // and no recorded series is left in any query: recording rules do not exist there
    for (const { condition } of promql) expect(condition.query).not.toMatch(/slo:[a-z_]+:/);
  });

  test('each condition carries its rule group, alert name, for as duration, the group interval and the alert labels', () => {
    for (const { condition } of promql) {
      const group = inputs.ruleFiles.flatMap((f) => f.groups).find((g) => g.name === condition.ruleGroup)!;
      const rules = group.rules.filter(isAlertingRule).filter((r) => r.alert === condition.alertRule);
      // the rule of that name whose labels the condition carries
      const rule = rules.find((r) => Object.entries(r.labels).every(([k, v]) => condition.labels[k] === v));
      expect(rule).toBeDefined();
      expect(condition.durationSeconds).toBe(rule!.for ? parseDuration(rule!.for) : 0);
      expect(condition.evaluationIntervalSeconds).toBe(parseDuration(group.interval!));
      for (const k of ['severity', 'team']) expect(condition.labels[k]).toBe(rule!.labels[k]);
      if (condition.ruleGroup.startsWith('slo-')) {
        expect(condition.labels.slo).toBeDefined();
        expect(condition.labels.service).toBeDefined();
      }
    }
  });

  test('routes each policy to the channels of its severity, from the one routing table', () => {
    const routing = severityRouting(notificationChannels(env));
    for (const { policy, condition } of promql) {
      expect(policy.severity).toBe(condition.labels.severity);
      expect(policy.channelKeys).toEqual(routing.channelKeys[policy.severity]);
    }
  });

  test('links the runbook and the dashboard of the rule file alert in the documentation', () => {
    for (const { policy, condition } of promql) {
      const rule = ruleAlerts.find((r) => r.alert === condition.alertRule)!;
      expect(policy.runbookUrl).toBe(rule.annotations.runbook_url);
      expect(policy.documentation).toContain(`Runbook: ${rule.annotations.runbook_url}`);
      expect(policy.links).toEqual([{ displayName: 'Dashboard', url: rule.annotations.dashboard_url }]);
    }
  });

  test('writes a ticket keep_firing_for into its query, the only form Cloud Monitoring has', () => {
    // given the ticket conditions
    const tickets = promql.filter((p) => p.condition.labels.slo_alert === 'ticket');
    expect(tickets.length).toBeGreaterThan(0);
    for (const { condition } of tickets) {
      const rule = ruleAlerts.find((r) => r.alert === condition.alertRule && r.labels.slo_alert === 'ticket')!;
      // then the query holds the last match over keep_firing_for, evaluated at the group interval
      expect(condition.query).toMatch(new RegExp(`^max_over_time\\(\\([\\s\\S]*\\)\\[${rule.keepFiringFor}:1m\\]\\)$`));
    }
  });
});

describe('the environment switch', () => {
  test.each([
    ['managed', true],
    ['both', true],
    ['self-hosted', false],
  ] as const)('sloEvaluation %s creates PromQL policies: %s', (mode, created) => {
    // given
    const e: EnvironmentConfig = { ...env, sloEvaluation: mode };
    // when
    const plan = cloudMonitoringPlan(e, catalog, promqlPolicyInputs({ env: e, catalog }));
    // then
    expect(promqlOf(plan.policies).length > 0).toBe(created);
  });
});

describe('limits', () => {
  test('rejects a spec evaluation interval Cloud Monitoring cannot evaluate at, naming the SLO', () => {
    // given logging evaluated every 15 s (allowed for Prometheus, not a multiple of 30 s)
    const c = catalogWith('slos/logging.yaml', (t) => t.replace('owner: platform\n', 'owner: platform\nevaluationInterval: 15s\n'));
    // then
    expect(() => cloudMonitoringPlan(env, c, promqlPolicyInputs({ env, catalog: c }))).toThrow(
      'slo "logging/structured-log-write": evaluationInterval 15 s is not a positive multiple of 30 s, which cloud monitoring promql conditions require',
    );
    // and a self-hosted environment accepts it
    const selfHosted: EnvironmentConfig = { ...env, sloEvaluation: 'self-hosted' };
    expect(() => cloudMonitoringPlan(selfHosted, c, promqlPolicyInputs({ env: selfHosted, catalog: c }))).not.toThrow();
  });

  test('rejects more policies than a project holds, naming the first SLO that does not fit', () => {
    // given a service of as many SLOs as it takes to pass the limit (4 alerts each)
    const one = (i: number) =>
      [
        `  - name: op-${i}`,
        `    description: op ${i}.`,
        '    objective: 99',
        '    window: 28d',
        '    sli:',
        '      latency:',
        '        histogram: op_duration_seconds',
        `        selector: job="bulk", op="${i}"`,
        '        thresholdSeconds: 0.1',
        '        buckets: [0.1, 1]',
        '    alerting:',
        '      runbookUrl: https://example.com/runbook',
      ].join('\n');
    const count = Math.ceil(MAX_ALERT_POLICIES_PER_PROJECT / 4) + 1;
    const text = [
      'apiVersion: slo-platform/v1',
      'kind: ServiceLevelObjectives',
      'service: bulk',
      'owner: bulk',
      'slos:',
      ...Array.from({ length: count }, (_, i) => one(i)),
    ].join('\n');
    const c = catalogWith('', (t) => t, [{ file: 'slos/bulk.yaml', text }]);
    // when
    const plan = () => cloudMonitoringPlan(env, c, promqlPolicyInputs({ env, catalog: c }));
    // then the message names an SLO of the bulk service and the limit
    expect(plan).toThrow(/^slo "bulk\/op-\d+": the monitoring plan has \d+ alert policies, above cloud monitoring's 2000 per project/);
  });
});

describe('synthesized', () => {
  test('writes each condition as condition_prometheus_query_language, with Terraform templates in spec text escaped', () => {
    // given an SLI whose selector holds `${` and `%{` (valid PromQL label values)
    const c = catalogWith('slos/api.yaml', (t) =>
      t.replaceAll('http_requests_total{job="api"}', 'http_requests_total{job="api", path!="/x/${id}/%{y}"}'),
    );
    // when the monitoring stack is synthesized
    const stack = synthMonitoring(env, c) as {
      resource: Record<string, Record<string, { conditions: { condition_prometheus_query_language?: { query: string } }[] }>>;
    };
    const raw = Object.values(stack.resource.google_monitoring_alert_policy!)
      .flatMap((p) => p.conditions)
      .flatMap((x) => (x.condition_prometheus_query_language ? [x.condition_prometheus_query_language.query] : []));
    // then Terraform reads the text as written: `$${` and `%%{` in the JSON, never a bare template
    const marked = raw.filter((q) => q.includes('/x/'));
    expect(marked.length).toBeGreaterThan(0);
    for (const q of marked) {
      expect(q).toContain('path!="/x/$${id}/%%{y}"');
      expect(q.replaceAll('$${', '').replaceAll('%%{', '')).not.toMatch(/\$\{|%\{/);
    }
    // and the conditions read back hold the text Cloud Monitoring receives
    const back = synthesizedPromqlConditions(stack).filter((q) => q.query.includes('/x/'));
    expect(back.length).toBe(marked.length);
    for (const q of back) expect(q.query).toContain('path!="/x/${id}/%{y}"');
  });
});
