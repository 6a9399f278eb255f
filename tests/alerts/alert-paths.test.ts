/**
 * The static check of the three alert paths (alerts/alert-paths.ts): the example's rule files,
 * Grafana-managed rules and Cloud Monitoring PromQL policies agree, and one factor, window, `for`,
 * label or route changed in one path is named.
 */
import {
  alertPathDifferences,
  cloudMonitoringSignatures,
  grafanaSignatures,
  ruleFileSignatures,
  type AlertPaths,
} from '../../alerts/alert-paths';
import {
  cloudMonitoringPlan,
  notificationChannels,
  severityRouting,
  type PolicySpec,
  type PromqlCondition,
} from '../../alerts/cloud-monitoring';
import { grafanaBurnRateRuleGroups, type GrafanaRuleGroup } from '../../alerts/grafana/burn-rate-rules';
import type { RuleFile } from '../../alerts/prometheus/rules';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { loadCatalog } from '../../slos/load';
import type { SloCatalog } from '../../slos/model';
import { promqlPolicyInputs } from '../../layers/platform/managed-evaluation';

const env = loadEnvironmentOrThrow('example');
const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;
const inputs = promqlPolicyInputs({ env, catalog });
const paths: AlertPaths = {
  ruleFiles: inputs.ruleFiles,
  grafana: grafanaBurnRateRuleGroups(catalog, env, { prometheusUid: 'prometheus' }),
  cloudMonitoring: cloudMonitoringPlan(env, catalog, inputs).policies,
  channelKeys: severityRouting(notificationChannels(env)).channelKeys,
};

/** Key of the PromQL policy of the page alert of api/error-rate. */
const errorRatePageKey = paths.cloudMonitoring!.find((p) =>
  p.conditions.some((c) => c.kind === 'promql' && c.alertRule === 'ApiErrorRateBudgetBurn' && c.labels.slo_alert === 'page'),
)!.key;

/** The PromQL policy of the page alert of api/error-rate, and the change of it. */
function withPolicy(change: (p: PolicySpec, c: PromqlCondition) => PolicySpec): AlertPaths {
  const target = paths.cloudMonitoring!.find((p) => p.key === errorRatePageKey)!;
  return {
    ...paths,
    cloudMonitoring: paths.cloudMonitoring!.map((p) => (p === target ? change(p, p.conditions[0] as PromqlCondition) : p)),
  };
}

function withCondition(change: (c: PromqlCondition) => PromqlCondition): AlertPaths {
  return withPolicy((p, c) => ({ ...p, conditions: [change(c)] }));
}

function withRuleExpr(alert: string, change: (expr: string) => string): AlertPaths {
  const files: RuleFile[] = paths.ruleFiles.map((f) => ({
    groups: f.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => ('alert' in r && r.alert === alert && r.labels.slo_alert === 'page' ? { ...r, expr: change(r.expr) } : r)),
    })),
  }));
  return { ...paths, ruleFiles: files };
}

function withGrafanaThreshold(slo: string, to: number): AlertPaths {
  const groups: GrafanaRuleGroup[] = paths.grafana!.map((g) =>
    g.sloId !== slo
      ? g
      : {
          ...g,
          rules: g.rules.map((r, i) =>
            i !== 0
              ? r
              : {
                  ...r,
                  stages: r.stages.map((s) =>
                    s.refId === 'E' ? { ...s, model: { ...s.model, conditions: [{ evaluator: { type: 'gt', params: [to] } }] } } : s,
                  ),
                },
          ),
        },
  );
  return { ...paths, grafana: groups };
}

describe('the three alert paths', () => {
  test('agree on every SLO of the example: windows, thresholds, for, keep_firing_for, labels and routing', () => {
    // given every path read from its own output
    expect(ruleFileSignatures(paths).length).toBeGreaterThan(0);
    expect(grafanaSignatures(paths).length).toBeGreaterThan(0);
    expect(cloudMonitoringSignatures(paths).length).toBeGreaterThan(0);
    // then no difference
    expect(alertPathDifferences(paths)).toEqual([]);
  });

  test('read the windows and thresholds of each path from its own text', () => {
    // the page of api/error-rate, as each path writes it
    const page = (list: ReturnType<typeof ruleFileSignatures>) =>
      list.find((s) => s.slo === 'api/error-rate' && s.alert === 'ApiErrorRateBudgetBurn page')!;
    const expected = page(ruleFileSignatures(paths)).windows;
    expect(expected).toHaveLength(2);
    expect(page(grafanaSignatures(paths)).windows).toEqual(expected);
    expect(page(cloudMonitoringSignatures(paths)).windows).toEqual(expected);
  });

  test.each([
    [
      'a factor changed in the Cloud Monitoring query',
      () => withCondition((c) => ({ ...c, query: c.query.replace('> 0.144', '> 0.145') })),
      /api\/error-rate: alert ApiErrorRateBudgetBurn page: windows differ: rule files .*0\.144.*, cloud monitoring .*0\.145/,
    ],
    [
      'a window changed in the Cloud Monitoring query',
      () => withCondition((c) => ({ ...c, query: c.query.replaceAll('[6h]', '[12h]') })),
      /ApiErrorRateBudgetBurn page: windows differ: rule files .*6h\/30m.*, cloud monitoring .*12h\/30m/,
    ],
    [
      'a for added in Cloud Monitoring',
      () => withCondition((c) => ({ ...c, durationSeconds: 120 })),
      /ApiErrorRateBudgetBurn page: for differ: rule files 0s, cloud monitoring 120s/,
    ],
    [
      'a label dropped in Cloud Monitoring',
      () => withCondition((c) => ({ ...c, labels: { ...c.labels, team: 'other' } })),
      /ApiErrorRateBudgetBurn page: labels differ/,
    ],
    [
      'a route changed in Cloud Monitoring',
      () => withPolicy((p) => ({ ...p, channelKeys: ['info-email-x'] })),
      /ApiErrorRateBudgetBurn page: routedTo differ/,
    ],
    [
      'a factor changed in the rule file',
      () => withRuleExpr('ApiErrorRateBudgetBurn', (e) => e.replace('> 0.06', '> 0.07')),
      /ApiErrorRateBudgetBurn page: windows differ: rule files .*0\.07.*, cloud monitoring .*0\.06/,
    ],
    [
      'a threshold changed in a Grafana-managed rule',
      () => withGrafanaThreshold('api/error-rate', 0.2),
      /api\/error-rate: alert ApiErrorRateBudgetBurn page: windows differ: rule files .*, grafana .*0\.2/,
    ],
  ])('fail on %s, naming the SLO, the alert and the field', (_what, mutate, message) => {
    // when one path changes
    const differences = alertPathDifferences(mutate());
    // then the check names the difference
    expect(differences.length).toBeGreaterThan(0);
    expect(differences.join('\n')).toMatch(message);
  });

  test('fails on an alert missing from one path', () => {
    // given the Cloud Monitoring policy of one page removed
    const without = {
      ...paths,
      cloudMonitoring: paths.cloudMonitoring!.filter((p) => p.key !== errorRatePageKey),
    };
    // then
    expect(alertPathDifferences(without)).toEqual([
      'api/error-rate: alert ApiErrorRateBudgetBurn page is in the rule files but not in cloud monitoring',
    ]);
  });
});
