/**
 * What Grafana needs to import a generated dashboard as is and show it as meant, checked on the
 * rendered JSON (no Grafana server here): the classic model's required shapes, a grid with no
 * overlaps, well-formed thresholds and variables, units that fit each panel's query, and PromQL
 * that filters the right region label for each kind of metric.
 */
import * as units from '@grafana/grafana-foundation-sdk/units';
import { VAR } from '../../dashboards/queries';
import { GOOGLE_REGION_LABEL, PLATFORM_VAR, REGION_LABEL } from '../../layers/platform/queries';
import { renderDashboards } from '../../dashboards/render';
import { goldenSignalsUid, sloDashboardUid } from '../../slos/conventions';
import { dataPanels, type JsonPanel, loadBundled } from './dashboard-json';

// given the bundled specs and the example environment, rendered once for the file
const { catalog, env, inputs } = loadBundled();
const dashboards = renderDashboards(catalog, inputs);
const byUid = (uid: string) => dashboards.find((d) => d.uid === uid)!;
const each = dashboards.map((d) => [d.uid, d] as const);

/** The panel fields these checks read, beyond the shared test type. */
type Panel = JsonPanel & {
  collapsed?: boolean;
  options?: {
    legend?: { showLegend?: boolean; displayMode?: string };
    tooltip?: { mode?: string };
    reduceOptions?: { calcs?: string[] };
  };
  fieldConfig?: JsonPanel['fieldConfig'] & { defaults?: { thresholds?: { mode?: string } } };
  targets?: (NonNullable<JsonPanel['targets']>[number] & { legendFormat?: string; instant?: boolean; range?: boolean })[];
};

interface Variable {
  name: string;
  type: string;
  query?: string;
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
  current?: { text: unknown; value: unknown };
  options?: { text: string; value: string }[];
}

/** Every vector selector `metric{matchers}` of an expression, with its metric name. */
function selectors(expr: string): { metric: string; matchers: string }[] {
  return [...expr.matchAll(/([a-zA-Z_:][\w:]*)\{([^}]*)\}/g)].map((m) => ({ metric: m[1]!, matchers: m[2]! }));
}

/** Grafana unit ids the SDK knows, plus custom suffix units (`suffix:×`). */
const KNOWN_UNITS = new Set<string>(Object.values(units as Record<string, unknown>).filter((u): u is string => typeof u === 'string'));

describe('generated dashboards import into Grafana 11+ as is', () => {
  test.each(each)('%s: classic model with a schema version Grafana 11 can read, and the built-in annotations', (_uid, d) => {
    // then: Grafana 11.0 writes version 39; later versions only add migrations it need not run
    expect(d.json.schemaVersion).toEqual(expect.any(Number));
    expect(d.json.schemaVersion as number).toBeGreaterThanOrEqual(39);
    expect(d.json).not.toHaveProperty('id');
    expect((d.json.annotations as { list: unknown[] }).list).toEqual([
      expect.objectContaining({ builtIn: 1, type: 'dashboard', datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true }),
    ]);
    expect(d.json.time).toEqual({ from: 'now-6h', to: 'now' });
    expect(d.json.refresh).toBe('30s');
    expect(d.json.editable).toBe(false);
  });

  test.each(each)('%s: panels tile the 24-column grid without overlapping, rows full width and open', (_uid, d) => {
    // given every panel's cells
    const taken = new Map<string, string>();
    for (const p of (d.json.panels ?? []) as Panel[]) {
      const { x, y, w, h } = p.gridPos!;
      // then
      expect({ title: p.title, ok: x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24 }).toEqual({ title: p.title, ok: true });
      if (p.type === 'row')
        expect({ title: p.title, w, h, x, collapsed: p.collapsed, panels: p.panels }).toEqual({
          title: p.title,
          w: 24,
          h: 1,
          x: 0,
          collapsed: false,
          panels: [],
        });
      for (let cx = x; cx < x + w; cx++) {
        for (let cy = y; cy < y + h; cy++) {
          const key = `${cx},${cy}`;
          expect({ cell: key, by: p.title, overlaps: taken.get(key) }).toEqual({ cell: key, by: p.title, overlaps: undefined });
          taken.set(key, p.title!);
        }
      }
    }
  });

  test.each(each)('%s: every panel is a timeseries or stat with its legend or reduce options, and named targets', (_uid, d) => {
    for (const p of dataPanels(d.json) as Panel[]) {
      // then
      expect(['timeseries', 'stat']).toContain(p.type);
      if (p.type === 'timeseries') {
        expect(p.options?.legend).toMatchObject({ showLegend: true, displayMode: 'table' });
        expect(p.options?.tooltip?.mode).toBe('multi');
      } else {
        expect(p.options?.reduceOptions?.calcs).toEqual(['lastNotNull']);
      }
      const refIds = p.targets!.map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of p.targets!) {
        expect(t.legendFormat).toEqual(expect.any(String));
        // stats read one value: instant queries; graphs: range queries
        expect({ panel: p.title, instant: t.instant, range: t.range }).toEqual({
          panel: p.title,
          instant: p.type === 'stat',
          range: p.type === 'timeseries',
        });
      }
    }
  });

  test.each(each)('%s: every threshold list starts with a base step of value null and then ascends', (_uid, d) => {
    for (const p of dataPanels(d.json) as Panel[]) {
      // given the panel's own thresholds and its per-query overrides
      const lists = [
        p.fieldConfig?.defaults?.thresholds,
        ...(p.fieldConfig?.overrides ?? []).flatMap((o) => o.properties.filter((x) => x.id === 'thresholds').map((x) => x.value)),
      ].filter((t): t is { mode: string; steps: { value: number | null }[] } => t !== undefined);
      for (const t of lists) {
        // then
        expect(t.mode).toBe('absolute');
        const [base, ...rest] = t.steps;
        expect(base!.value).toBeNull();
        const values = rest.map((s) => s.value as number);
        expect(values.every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
        expect(values).toEqual([...values].sort((a, b) => a - b));
      }
    }
  });

  test.each(each)('%s: every unit is one Grafana knows, and fits what the query measures', (_uid, d) => {
    for (const p of dataPanels(d.json) as Panel[]) {
      // given
      const unit = p.fieldConfig?.defaults?.unit ?? '';
      const exprs = p.targets!.map((t) => t.expr!);
      // then
      expect({ panel: p.title, known: KNOWN_UNITS.has(unit) || unit.startsWith('suffix:') }).toEqual({ panel: p.title, known: true });
      if (exprs.every((e) => /^histogram_quantile\(.*_seconds_bucket\{/s.test(e)))
        expect({ panel: p.title, unit }).toEqual({ panel: p.title, unit: units.Seconds });
      if (exprs.every((e) => /^sum\(rate\(/.test(e)))
        expect({ panel: p.title, unit }).toEqual({ panel: p.title, unit: units.RequestsPerSecond });
      if (exprs.every((e) => /^1 - |slo:error_budget_remaining:ratio/.test(e)))
        expect({ panel: p.title, unit }).toEqual({ panel: p.title, unit: units.PercentUnit });
    }
  });

  test('the api dashboard shows each platform panel in the unit of its target', () => {
    // given
    const api = dataPanels(byUid(goldenSignalsUid(env.service.name)).json) as Panel[];
    const unitOf = (title: string) => api.find((p) => p.title === title)!.fieldConfig!.defaults!.unit;
    // then
    expect(
      Object.fromEntries(
        [
          'Request rate',
          'Error rate',
          'Light endpoint latency',
          'Webhook latency',
          'Rate limits (429s)',
          'SLO compliance',
          'Uptime',
          'Total requests',
        ].map((t) => [t, unitOf(t)]),
      ),
    ).toEqual({
      'Request rate': 'reqps',
      'Error rate': 'percentunit',
      'Light endpoint latency': 's',
      'Webhook latency': 's',
      'Rate limits (429s)': 'reqps',
      'SLO compliance': 'percentunit',
      Uptime: 'percentunit',
      'Total requests': 'short',
    });
  });

  test.each(each)('%s: template variables are well formed and every variable a query uses is defined', (_uid, d) => {
    // given
    const list = (d.json.templating as { list: Variable[] }).list;
    const defined = new Set(list.map((v) => v.name));
    // then: the data source variable offers Prometheus data sources
    expect(list[0]).toMatchObject({ name: VAR.datasource, type: 'datasource', query: 'prometheus' });
    for (const v of list.filter((x) => x.type === 'custom')) {
      // a multi-value list with "All" selected, whose options are its query's values
      expect(v).toMatchObject({ multi: true, includeAll: true, allValue: '.*', current: { text: ['All'], value: ['$__all'] } });
      expect(v.options!.map((o) => o.value)).toEqual(v.query!.split(','));
    }
    const used = dataPanels(d.json).flatMap((p) => p.targets!.flatMap((t) => [...t.expr!.matchAll(/\$\{?([a-z]\w*)/g)].map((m) => m[1]!)));
    for (const name of used) expect(defined).toContain(name);
  });
});

describe('dashboard PromQL', () => {
  const golden = dashboards.filter((d) => d.uid !== sloDashboardUid());
  const exprsOf = (json: Readonly<Record<string, unknown>>) =>
    dataPanels(json).flatMap((p) => p.targets!.map((t) => ({ panel: p.title!, expr: t.expr! })));

  test("every quantile is histogram_quantile over the le-summed rate of a histogram, over Grafana's rate interval", () => {
    // given every histogram_quantile of every dashboard
    const quantiles = golden.flatMap((d) => exprsOf(d.json)).filter((e) => e.expr.includes('histogram_quantile'));
    expect(quantiles.length).toBeGreaterThan(0);
    for (const { panel, expr } of quantiles) {
      // then
      expect({ panel, expr }).toEqual({
        panel,
        expr: expect.stringMatching(
          /^histogram_quantile\(0\.\d+, sum by \((\w+, )?le\) \(rate\([\w:]+_bucket\{[^}]*\}\[\$__rate_interval\]\)\)\)$/,
        ),
      });
    }
  });

  test("the platform's own metrics are filtered by their region label, Google Cloud metrics by their resource's", () => {
    // given every selector of the golden-signals dashboards, by kind of metric
    const all = golden.flatMap((d) => exprsOf(d.json)).flatMap((e) => selectors(e.expr).map((s) => ({ ...s, panel: e.panel })));
    const google = all.filter((s) => s.metric.includes(':') && !s.metric.startsWith('slo:'));
    const own = all.filter((s) => !s.metric.includes(':') && s.metric !== 'probe_success');
    expect(own.length).toBeGreaterThan(0);
    // then: the platform exports `region` (docs/alerting.md)
    for (const s of own) expect(s.matchers).toContain(`${REGION_LABEL}=~"$${PLATFORM_VAR.region}"`);
    expect(REGION_LABEL).toBe('region');
    // and each Google resource type carries the region under its own label; the global load balancer has none to filter
    const label = (s: { matchers: string }) => {
      const type = /monitored_resource="(\w+)"/.exec(s.matchers)![1]!;
      return {
        cloud_run_revision: GOOGLE_REGION_LABEL.cloudRun,
        redis_instance: GOOGLE_REGION_LABEL.redis,
        cloudsql_database: GOOGLE_REGION_LABEL.cloudSql,
      }[type];
    };
    for (const s of google) {
      const l = label(s);
      if (l)
        expect({ panel: s.panel, matchers: s.matchers }).toEqual({
          panel: s.panel,
          matchers: expect.stringContaining(`${l}=~"$${PLATFORM_VAR.region}"`),
        });
      else expect(s.matchers).toContain('monitored_resource="https_lb_rule"');
    }
    expect(GOOGLE_REGION_LABEL).toEqual({ cloudRun: 'location', redis: 'region', cloudSql: 'region' });
  });

  test('Cloud Run instances are summed per region, the unit the per-region maximum line applies to', () => {
    // given
    const api = dataPanels(byUid(goldenSignalsUid(env.service.name)).json);
    const instances = api.find((p) => p.title === 'Cloud Run instances')!;
    // then
    expect(instances.targets![0]!.expr).toMatch(/^sum by \(location\) \(run_googleapis_com:container_instance_count\{/);
  });
});
