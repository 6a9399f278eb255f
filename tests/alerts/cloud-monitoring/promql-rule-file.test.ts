/**
 * The converter of a synthesized monitoring stack's PromQL conditions back into a Prometheus rule
 * file (alerts/cloud-monitoring/promql-rule-file.ts), checked with promtool: the converted file
 * is valid, and its alerts fire and resolve at the evaluation steps the generated promtool
 * scenarios assert for the rule files' own alerts; one factor changed makes that fail.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  promqlConditionsRuleFile,
  promqlConditionsRuleFileYaml,
  synthesizedPromqlConditions,
  unescapeTerraformTemplates,
} from '../../../alerts/cloud-monitoring/promql-rule-file';
import { isAlertingRule } from '../../../alerts/prometheus/rules';
import { prometheusDurationSeconds } from '../../../slos/duration';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { EVALUATED_BY, exampleCatalog, promtool, promtoolAsync, synthMonitoring, writeEqualityTests } from './promql-harness';

jest.setTimeout(300_000);

const env = loadEnvironmentOrThrow('example');
const catalog = exampleCatalog();
let stack: { resource: Record<string, Record<string, { conditions: { condition_prometheus_query_language?: { query: string } }[] }>> };

beforeAll(() => {
  stack = synthMonitoring(env, catalog) as typeof stack;
});

describe('promqlConditionsRuleFile', () => {
  test('turns every PromQL condition into one alerting rule: expr = query, for = duration, labels, group interval = evaluation interval', () => {
    // given the synthesized conditions
    const conditions = synthesizedPromqlConditions(stack);
    expect(conditions.length).toBeGreaterThan(0);
    // when converted
    const file = promqlConditionsRuleFile(stack);
    const rules = file.groups.flatMap((g) => g.rules.filter(isAlertingRule).map((r) => ({ g, r })));
    // then one rule per condition, field by field
    expect(rules).toHaveLength(conditions.length);
    for (const c of conditions) {
      const hit = rules.find(
        ({ g, r }) =>
          g.name === c.rule_group &&
          r.alert === c.alert_rule &&
          r.expr === c.query &&
          JSON.stringify(r.labels) === JSON.stringify(c.labels),
      );
      expect(hit).toBeDefined();
      expect(prometheusDurationSeconds(hit!.g.interval!)).toBe(prometheusDurationSeconds(c.evaluation_interval!));
      expect(hit!.r.for === undefined ? 0 : prometheusDurationSeconds(hit!.r.for)).toBe(prometheusDurationSeconds(c.duration!));
    }
  });

  test('undoes the Terraform escaping of ${ and %{', () => {
    expect(unescapeTerraformTemplates('a{x="$${y}%%{z}"}')).toBe('a{x="${y}%{z}"}');
  });

  test('writes a rule file promtool accepts, with the extra labels on every rule', () => {
    // given the converted file with the label that tells its alerts from the rule files'
    const dir = mkdtempSync(join(tmpdir(), 'slo-promql-rf-'));
    const path = join(dir, 'cm.rules.yaml');
    const yaml = promqlConditionsRuleFileYaml(stack, { extraLabels: EVALUATED_BY, groupSuffix: '-cloud-monitoring' });
    writeFileSync(path, yaml);
    // when promtool checks it
    const r = promtool(['check', 'rules', path]);
    // then it passes with one rule per condition
    expect(r.output).toContain(`SUCCESS: ${synthesizedPromqlConditions(stack).length} rules found`);
    expect(r.status).toBe(0);
    const parsed = parse(yaml) as { groups: { name: string; rules: { labels: Record<string, string> }[] }[] };
    for (const g of parsed.groups) {
      expect(g.name).toMatch(/-cloud-monitoring$/);
      for (const rule of g.rules) expect(rule.labels.evaluated_by).toBe(EVALUATED_BY.evaluated_by);
    }
  });

  test("fires and resolves at the steps the rule files' scenarios assert (api: page, ticket, budget, no-data, symptoms), and a changed factor fails", async () => {
    // given the generated scenarios of api aimed at the converted conditions, and those of logging
    // aimed at conversions of a stack whose logging ticket threshold was changed in one condition
    const [api] = writeEqualityTests(stack, env, catalog, ['api']);
    const mutant = structuredClone(stack);
    let changed = 0;
    for (const p of Object.values(mutant.resource.google_monitoring_alert_policy!)) {
      const q = p.conditions[0]?.condition_prometheus_query_language;
      if (q && q.query.includes('operation="structured_log_write"') && q.query.startsWith('max_over_time(')) {
        q.query = q.query.replaceAll(') > 0.01', ') > 0.02');
        changed += 1;
      }
    }
    expect(changed).toBe(1);
    const [logging] = writeEqualityTests(mutant, env, catalog, ['logging']);
    // when promtool runs both (two at once)
    const [good, bad] = await Promise.all([promtoolAsync(['test', 'rules', api!]), promtoolAsync(['test', 'rules', logging!])]);
    // then the converted api conditions pass every assertion, and the mutant fails naming its alert
    expect(good.output).toContain('SUCCESS');
    expect(good.status).toBe(0);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain('alertname: LoggingStructuredLogWriteBudgetBurn');
  });
});
