import { burnRateAlertLabels, EXPRESSION_DATASOURCE_UID, grafanaBurnRateRuleGroups } from '../../../alerts/grafana/burn-rate-rules';
import { burnWindows } from '../../../slos/burn-rate';
import { sloDashboardUid } from '../../../slos/conventions';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { loadCatalog } from '../../../slos/load';
import { errorRatioQuery, type SloCatalog } from '../../../slos/model';

// given the bundled specs, rendered once for the file
const { catalog } = loadCatalog({ slosDir: 'slos' });
const env = loadEnvironmentOrThrow('example');
if (!catalog) throw new Error('bundled specs do not load');
const groups = grafanaBurnRateRuleGroups(catalog, env, { prometheusUid: 'prom' });
const cases = groups.flatMap((g) => g.rules.map((r) => [g.sloId, r.window.id, g, r] as const));

describe('Grafana-managed burn-rate rules', () => {
  test('there is one group per SLO with alerting windows, named like its Prometheus alert group, evaluated every minute', () => {
    // then
    const alerting = catalog.slos.filter((s) => s.alerting.windows.length > 0);
    expect(groups.map((g) => g.sloId)).toEqual(alerting.map((s) => s.id));
    expect(groups.map((g) => g.name)).toEqual(alerting.map((s) => `slo-alerts-${s.service}-${s.name}`));
    for (const g of groups) expect(g.intervalSeconds).toBe(60);
  });

  test.each(cases)('%s %s: both windows are compared with factor × (1 − objective)', (sloId, windowId, _g, rule) => {
    // given
    const slo = catalog.slos.find((s) => s.id === sloId)!;
    const expected = burnWindows(slo.objectivePercent, slo.windowSeconds, slo.alerting.severities).find((w) => w.id === windowId)!;
    const stage = (refId: string) => rule.stages.find((s) => s.refId === refId)!;
    // then the queries are the SLI's error ratio over the long and the short window
    expect(stage('A').model.expr).toBe(errorRatioQuery(slo.sli, expected.longWindow));
    expect(stage('B').model.expr).toBe(errorRatioQuery(slo.sli, expected.shortWindow));
    // and both thresholds are the burn-rate arithmetic's
    for (const refId of ['E', 'F']) {
      expect(stage(refId).model).toMatchObject({
        type: 'threshold',
        conditions: [{ evaluator: { type: 'gt', params: [expected.errorRatioThreshold] } }],
      });
    }
    // and the rule fires on both at once
    expect(rule.condition).toBe('G');
    expect(stage('G').model).toMatchObject({ type: 'math', expression: '$E && $F' });
  });

  test.each(cases)(
    '%s %s: carries the routing labels of the Prometheus alert and its runbook and dashboard links',
    (sloId, _w, _g, rule) => {
      // given
      const slo = catalog.slos.find((s) => s.id === sloId)!;
      // then
      expect(rule.labels).toEqual(burnRateAlertLabels(slo, rule.window));
      expect(rule.labels).toMatchObject({ service: slo.service, slo: slo.name, team: slo.team, severity: rule.window.severity });
      expect(rule.annotations.summary).toMatch(/^[a-z].+\.$/i);
      // and the links the Prometheus alert policy puts on every alert
      expect(rule.annotations.runbook_url).toBe(slo.alerting.runbookUrl ?? `${env.runbookBaseUrl}/slos.md#${slo.name}`);
      expect(rule.annotations.dashboard_url).toBe(`${env.grafana.url}/d/${sloDashboardUid()}`);
    },
  );

  test('titles are unique within the folder', () => {
    // then
    const titles = groups.flatMap((g) => g.rules.map((r) => r.title));
    expect(new Set(titles).size).toBe(titles.length);
  });

  test('queries go to the given Prometheus data source and expressions to the expression engine', () => {
    // then
    for (const rule of groups.flatMap((g) => g.rules)) {
      expect(rule.stages.map((s) => [s.refId, s.datasourceUid])).toEqual([
        ['A', 'prom'],
        ['B', 'prom'],
        ['C', EXPRESSION_DATASOURCE_UID],
        ['D', EXPRESSION_DATASOURCE_UID],
        ['E', EXPRESSION_DATASOURCE_UID],
        ['F', EXPRESSION_DATASOURCE_UID],
        ['G', EXPRESSION_DATASOURCE_UID],
      ]);
      for (const s of rule.stages) expect(s.model.refId).toBe(s.refId);
    }
  });

  test('a tighter objective moves the thresholds with no other edit', () => {
    // given the first SLO with its objective raised by a tenth of its budget
    const slo = catalog.slos.find((s) => s.alerting.windows.length > 0)!;
    const objectivePercent = 100 - (100 - slo.objectivePercent) * 0.9;
    const windows = burnWindows(objectivePercent, slo.windowSeconds, slo.alerting.severities);
    const tighter: SloCatalog = {
      ...catalog,
      slos: [{ ...slo, objectivePercent, objective: objectivePercent / 100, alerting: { ...slo.alerting, windows } }],
    };
    // when
    const [group] = grafanaBurnRateRuleGroups(tighter, env, { prometheusUid: 'prom' });
    // then
    const thresholds = group!.rules.map(
      (r) => (r.stages[4]!.model.conditions as { evaluator: { params: number[] } }[])[0]!.evaluator.params[0],
    );
    expect(thresholds).toEqual(windows.map((w) => w.errorRatioThreshold));
    expect(thresholds[0]).toBeLessThan(groups[0]!.rules[0]!.window.errorRatioThreshold);
  });
});
