/**
 * The layer seam (layers/layer.ts) is open to any layer, not only the platform's: a small third
 * layer written here adds a rule group, a promtool scenario, a dashboard row and a bound on the
 * evaluation interval, through the same engine entry point `slo generate` uses, and its scenario
 * passes promtool against the rule file the engine wrote.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { parse } from 'yaml';
import type { AlertingRule } from '../../alerts/prometheus/rules';
import { expandingNotation, expectedAlert, seriesSelector, type Scenario } from '../../alerts/prometheus/scenario';
import { timeseriesPanel } from '../../dashboards/panels/common';
import { checkAndTest, findPromtool, PROMTOOL_INSTALL_HINT } from '../../bin/commands/test';
import { engineArtifacts, type SloLayer } from '../../layers/layer';
import { goldenSignalsUid } from '../../slos/conventions';
import { loadCatalog } from '../../slos/load';
import type { SloCatalog } from '../../slos/model';
import { artifactText } from '../../slos/artifact';
import { TEST_FILE_PARSE } from '../alerts/prometheus/test-file-parse';

/** A canary alert per service: fires when the service's synthetic canary reports down. */
function canaryRule(service: string): AlertingRule {
  return {
    alert: 'CanaryDown',
    expr: `max by (job) (canary_up{job="${service}-canary"}) == 0`,
    for: '2m',
    labels: { severity: 'warning' },
    annotations: { summary: `The canary of ${service} is down.` },
    routing: { team: 'canary-keepers', runbookPath: 'canary.md#down', dashboardUid: goldenSignalsUid(service) },
  };
}

/** The third layer: one rule group, one scenario, one dashboard row per service, 5 m evaluations at most. */
const canaryLayer: SloLayer = {
  name: 'canary',
  ruleGroups: (service) => [{ name: `canary-${service}`, rules: [canaryRule(service)] }],
  scenarios: (service, withPolicy): Scenario[] => {
    const rule = withPolicy(canaryRule(service));
    const step = 60;
    return [
      {
        name: 'a canary down for three minutes fires CanaryDown',
        cases: [
          {
            intervalSeconds: step,
            inputs: [
              { series: seriesSelector('canary_up', { job: `${service}-canary` }), values: expandingNotation([1, 1, 0, 0, 0, 0, 0]) },
            ],
            asserts: [
              { atSeconds: 1 * step, alertname: rule.alert, alerts: [] },
              { atSeconds: 5 * step, alertname: rule.alert, alerts: [expectedAlert(rule, { job: `${service}-canary` })] },
            ],
          },
        ],
      },
    ];
  },
  maxEvaluationIntervalSeconds: () => 60,
  dashboardRows: (service) => [
    {
      title: 'Canary',
      position: 'tail',
      panels: (ctx) => [
        timeseriesPanel(ctx, {
          title: 'Canary up',
          description: `The synthetic canary of ${service}.`,
          unit: units.Short,
          queries: [{ expr: `canary_up{job="${service}-canary"}`, legend: 'up' }],
          span: 24,
        }),
      ],
    },
  ],
};

const catalog = loadCatalog({ slosDir: 'tests/fixtures/slos/new-team' }).catalog as SloCatalog;
const links = { runbookBaseUrl: 'https://wiki.storefront.test/runbooks', grafanaUrl: 'https://grafana.storefront.test' };
const artifacts = engineArtifacts(catalog, { links, layers: [canaryLayer] });
const file = (path: string) => artifactText(artifacts.find((a) => a.path === path)!);

describe('a third layer', () => {
  test('adds its rule group after the SLO groups, with the alert policy applied', () => {
    // when
    const rules = parse(file('prometheus/cart.rules.yaml')) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    // then
    expect(rules.groups.map((g) => g.name).at(-1)).toBe('canary-cart');
    expect(rules.groups.at(-1)!.rules).toEqual([
      {
        alert: 'CanaryDown',
        expr: 'max by (job) (canary_up{job="cart-canary"}) == 0',
        for: '2m',
        labels: { severity: 'warning', team: 'canary-keepers' },
        annotations: {
          summary: 'The canary of cart is down.',
          runbook_url: 'https://wiki.storefront.test/runbooks/canary.md#down',
          dashboard_url: `https://grafana.storefront.test/d/${goldenSignalsUid('cart')}`,
        },
      },
    ]);
  });

  test('adds its scenario to the test file, evaluated at the interval of the spec file', () => {
    // given the auth specs (no evaluationInterval: 1 m)
    const auth = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;
    const only = { slos: auth.slos.filter((s) => s.service === 'auth'), services: ['auth'] };
    const alone = parse(artifactText(engineArtifacts(only).find((a) => a.path === 'prometheus/auth.test.yaml')!), TEST_FILE_PARSE) as {
      evaluation_interval: string;
    };
    // when
    const layered = parse(
      artifactText(engineArtifacts(only, { links: {}, layers: [canaryLayer] }).find((a) => a.path === 'prometheus/auth.test.yaml')!),
      TEST_FILE_PARSE,
    ) as { evaluation_interval: string; tests: { name: string }[] };
    // then
    expect([alone.evaluation_interval, layered.evaluation_interval]).toEqual(['1m', '1m']);
    expect(layered.tests.map((t) => t.name)).toContain('a canary down for three minutes fires CanaryDown');
  });

  test('adds its dashboard row after the SLO rows of each golden-signals dashboard', () => {
    // when
    const dashboard = JSON.parse(file(`grafana/${goldenSignalsUid('catalog')}.json`)) as {
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    // then
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Overview', 'search-errors', 'search-latency', 'Canary']);
    expect(dashboard.panels.at(-1)).toMatchObject({ title: 'Canary up', targets: [{ expr: 'canary_up{job="catalog-canary"}' }] });
  });

  test("its scenario passes promtool against the engine's rule file, and the SLO scenarios still do", async () => {
    // given the files written to a directory
    const promtool = findPromtool();
    if (!promtool) throw new Error(PROMTOOL_INSTALL_HINT);
    const dir = mkdtempSync(join(tmpdir(), 'slo-layer-'));
    try {
      mkdirSync(join(dir, 'prometheus'));
      for (const a of artifacts.filter((x) => x.path.startsWith('prometheus/cart.'))) writeFileSync(join(dir, a.path), artifactText(a));
      // when
      const runs = await checkAndTest(promtool, join(dir, 'prometheus'));
      // then
      expect(runs.map((r) => [r.args.join(' '), r.code, r.code === 0 ? '' : r.output])).toEqual([
        ['check rules cart.rules.yaml', 0, ''],
        ['test rules cart.test.yaml', 0, ''],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
