import { burnRateAlertLabels, EXPRESSION_DATASOURCE_UID, grafanaBurnRateRuleGroups } from '../../../alerts/grafana/burn-rate-rules';
import { applyAlertPolicy } from '../../../alerts/prometheus/policy';
import { isAlertingRule } from '../../../alerts/prometheus/rules';
import { sloSeriesLabels } from '../../../alerts/prometheus/sli-rules';
import { burnRateAlerts } from '../../../alerts/prometheus/slo-alerts';
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

  test.each(groups.map((g) => [g.sloId, g] as const))(
    '%s: the same windows, thresholds, severities, labels and pending period as the Prometheus burn-rate alerts',
    (sloId, group) => {
      // given the SLO's Prometheus burn-rate alerts with the alert policy applied, as `slo generate` writes them
      const slo = catalog.slos.find((s) => s.id === sloId)!;
      const [prometheus] = applyAlertPolicy([{ name: 'g', rules: burnRateAlerts(slo) }], env);
      const fromPrometheus = prometheus!.rules.filter(isAlertingRule).flatMap((rule) =>
        [...rule.expr.matchAll(/ratio_rate(\w+)\{[^}]*\} > ([\d.e-]+)\s+and\s+\S+ratio_rate(\w+)\{[^}]*\} > ([\d.e-]+)/g)].map((m) => ({
          windows: `${m[1]}/${m[3]}`,
          thresholds: [Number(m[2]), Number(m[4])],
          // a Prometheus alert also carries the labels of the recorded series it selects
          labels: { ...sloSeriesLabels(slo), ...rule.labels },
          for: rule.for ?? '0s',
        })),
      );
      // when the Grafana rules are read the same way
      const fromGrafana = group.rules.map((r) => ({
        windows: `${r.window.longWindow}/${r.window.shortWindow}`,
        thresholds: ['E', 'F'].map(
          (ref) =>
            (r.stages.find((st) => st.refId === ref)!.model.conditions as { evaluator: { params: number[] } }[])[0]!.evaluator.params[0],
        ),
        labels: r.labels,
        for: r.for,
      }));
      // then
      expect(fromPrometheus.length).toBeGreaterThan(0);
      expect(fromGrafana).toEqual(fromPrometheus);
    },
  );

  test.each(cases)('%s %s: keeps firing exactly as long as the Prometheus alert of its kind', (sloId, _w, _g, rule) => {
    // given the Prometheus page or ticket of the same SLO
    const slo = catalog.slos.find((s) => s.id === sloId)!;
    const prometheus = burnRateAlerts(slo).find((r) => r.labels.slo_alert === rule.window.kind)!;
    // then: tickets keep firing for the same time (slos/alert-timing.ts), pages not at all
    expect(rule.keepFiringFor).toBe(prometheus.keepFiringFor);
    expect(rule.keepFiringFor === undefined).toBe(rule.window.kind === 'page');
  });

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

  test('rules link to the panel given for their SLO, both annotations together, and to none otherwise', () => {
    // given a panel for the first SLO only
    const [first, second] = groups;
    const panelLinks = new Map([[first!.sloId, { dashboardUid: 'slo-board', panelId: 7 }]]);
    // when
    const [linked, unlinked] = grafanaBurnRateRuleGroups(catalog, env, { prometheusUid: 'prom', panelLinks });
    // then
    for (const r of linked!.rules) expect(r.annotations).toMatchObject({ __dashboardUid__: 'slo-board', __panelId__: '7' });
    expect(unlinked!.sloId).toBe(second!.sloId);
    for (const r of [...unlinked!.rules, ...first!.rules]) {
      expect(r.annotations).not.toHaveProperty('__dashboardUid__');
      expect(r.annotations).not.toHaveProperty('__panelId__');
    }
  });

  test('a tighter objective moves the thresholds with no other edit', () => {
    // given the first SLO that pages, with its objective raised by a tenth of its budget
    const slo = catalog.slos.find((s) => s.alerting.windows.some((w) => w.kind === 'page'))!;
    const objectivePercent = 100 - (100 - slo.objectivePercent) * 0.9;
    const enabled = new Set(slo.alerting.windows.map((w) => w.id));
    const windows = burnWindows(objectivePercent, slo.windowSeconds, slo.alerting.severities).filter((w) => enabled.has(w.id));
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
    const shipped = groups.find((g) => g.sloId === slo.id)!;
    expect(shipped.rules[0]!.window.kind).toBe('page');
    expect(thresholds[0]).toBeLessThan(shipped.rules[0]!.window.errorRatioThreshold);
  });
});

/**
 * The server-side expressions of a rule evaluated as Grafana evaluates them, on one number per
 * Prometheus stage: reduce (with its NaN mode), threshold and math propagate NaN (Grafana's
 * `pkg/expr/mathexp` binaryOp; `&&` short-circuits only on a left 0), and a condition value that
 * is neither 0 nor missing is Alerting (`pkg/services/ngalert/eval`).
 */
function evaluate(rule: (typeof groups)[number]['rules'][number], queries: Record<string, number>): 'Normal' | 'Alerting' {
  const values = new Map<string, number>(Object.entries(queries));
  const read = (ref: string) => {
    const v = values.get(ref.replace(/^\$/, ''));
    if (v === undefined) throw new Error(`stage ${ref} read before it is computed`);
    return v;
  };
  for (const { refId, model } of rule.stages) {
    if (model.datasource && (model.datasource as { type: string }).type === 'prometheus') continue;
    const m = model as {
      type: string;
      expression: string;
      reducer?: string;
      settings?: { mode: string; replaceWithValue?: number };
      conditions?: { evaluator: { type: string; params: number[] } }[];
    };
    if (m.type === 'reduce') {
      expect(m.reducer).toBe('last');
      const v = read(m.expression);
      values.set(refId, Number.isNaN(v) && m.settings?.mode === 'replaceNN' ? m.settings.replaceWithValue! : v);
    } else if (m.type === 'threshold') {
      const { type, params } = m.conditions![0]!.evaluator;
      expect(type).toBe('gt');
      const v = read(m.expression);
      values.set(refId, Number.isNaN(v) ? NaN : v > params[0]! ? 1 : 0);
    } else if (m.type === 'math') {
      const [left, right] = m.expression.split(' && ');
      const a = read(left!);
      if (a === 0) values.set(refId, 0);
      else {
        const b = read(right!);
        values.set(refId, Number.isNaN(a) || Number.isNaN(b) ? NaN : a !== 0 && b !== 0 ? 1 : 0);
      }
    } else throw new Error(`unknown expression type ${m.type}`);
  }
  return read(rule.condition) === 0 ? 'Normal' : 'Alerting';
}

describe('Grafana-managed burn-rate rules, evaluated', () => {
  // given the fastest page window of the first SLO and its error-ratio threshold t
  const rule = groups[0]!.rules[0]!;
  const t = rule.window.errorRatioThreshold;

  test.each([
    ['both windows above the threshold', 'Alerting', 2 * t, 2 * t],
    ['only the long window above it', 'Normal', 2 * t, t / 2],
    ['only the short window above it', 'Normal', t / 2, 2 * t],
    ['both exactly at it (the PromQL alert needs strictly more)', 'Normal', t, t],
    ['no events in the short window (0/0) while the long one burns', 'Normal', 2 * t, NaN],
    ['no events in either window', 'Normal', NaN, NaN],
  ])('with %s the rule is %s, as the Prometheus alert', (_what, state, long, short) => {
    // when / then: the same outcome as `long > t and short > t` in PromQL, where NaN > t is false
    expect(evaluate(rule, { A: long, B: short })).toBe(state);
  });

  test('every expression stage reads only stages before it, and the condition is the last stage', () => {
    for (const r of groups.flatMap((g) => g.rules)) {
      // given
      const seen = new Set<string>();
      for (const { refId, model, datasourceUid, relativeTimeRange } of r.stages) {
        // then
        if (datasourceUid === EXPRESSION_DATASOURCE_UID) {
          expect(model.datasource).toEqual({ type: EXPRESSION_DATASOURCE_UID, uid: EXPRESSION_DATASOURCE_UID });
          expect(relativeTimeRange).toEqual({ fromSeconds: 0, toSeconds: 0 });
          const refs = String(model.expression).match(/[A-Z]+/g) ?? [];
          for (const ref of refs) expect(seen).toContain(ref);
        } else {
          expect(model).toMatchObject({ datasource: { type: 'prometheus', uid: datasourceUid }, instant: true, range: false });
          expect(relativeTimeRange.fromSeconds).toBeGreaterThan(0);
        }
        seen.add(refId);
      }
      expect(r.condition).toBe(r.stages[r.stages.length - 1]!.refId);
    }
  });
});
