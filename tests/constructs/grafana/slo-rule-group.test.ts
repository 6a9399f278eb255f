import { grafanaBurnRateRuleGroups } from '../../../alerts/grafana/burn-rate-rules';
import { Testing } from '../../../constructs/framework';
import { GrafanaProvider } from '../../../constructs/grafana/grafana-provider';
import { SloRuleGroup } from '../../../constructs/grafana/slo-rule-group';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { loadCatalog } from '../../../slos/load';
import { resourcesOf, scratchStack, type Json } from './helpers';

// given the first rendered group of the bundled specs
const { catalog } = loadCatalog({ slosDir: 'slos' });
const env = loadEnvironmentOrThrow('example');
if (!catalog) throw new Error('bundled specs do not load');
const group = grafanaBurnRateRuleGroups(catalog, env, { prometheusUid: 'prom' })[0]!;
let rg: Json;

beforeAll(() => {
  // synthesized once
  const out = JSON.parse(
    Testing.synthScope((scope) => {
      new GrafanaProvider(scope, 'Grafana', { url: 'https://grafana.test' });
      new SloRuleGroup(scope, 'Group', { folderUid: 'slo-folder', group });
    }),
  ) as Json;
  rg = resourcesOf(out, 'grafana_rule_group')[0]!;
});

describe('SloRuleGroup', () => {
  test('writes one rule per rendered rule with its stages as JSON models', () => {
    // then
    expect(rg).toMatchObject({ name: group.name, folder_uid: 'slo-folder', interval_seconds: 60 });
    expect(rg.rule).toHaveLength(group.rules.length);
    group.rules.forEach((r, i) => {
      const rule = rg.rule[i] as Json;
      expect(rule).toMatchObject({ name: r.title, condition: r.condition, for: '0s', labels: r.labels, no_data_state: 'OK' });
      expect((rule.data as Json[]).map((d) => JSON.parse(d.model as string))).toEqual(r.stages.map((s) => s.model));
      expect((rule.data as Json[]).map((d) => d.relative_time_range)).toEqual(
        r.stages.map((s) => ({ from: s.relativeTimeRange.fromSeconds, to: s.relativeTimeRange.toSeconds })),
      );
    });
  });

  test('rejects a group without rules', () => {
    // then
    expect(() => new SloRuleGroup(scratchStack(), 'G', { folderUid: 'f', group: { ...group, rules: [] } })).toThrow(
      `rule group "${group.name}" has no rules; grafana rejects empty groups`,
    );
  });
});
