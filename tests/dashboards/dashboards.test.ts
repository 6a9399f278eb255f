import { platformInputs } from '../layers/platform/example';
import { buildDashboards, renderDashboards } from '../../dashboards/render';
import { VAR } from '../../dashboards/queries';
import { PLATFORM_VAR } from '../../layers/platform/queries';
import { goldenSignalsUid, sloDashboardUid } from '../../slos/conventions';
import { promqlSyntaxError } from '../../slos/promql';
import { allPanels, dataPanels, interpolate, loadBundled } from './dashboard-json';

// given the bundled specs and the example environment, rendered once for the file
const { catalog, env, inputs } = loadBundled();
const dashboards = renderDashboards(catalog, inputs);
const sloDashboard = dashboards.find((d) => d.uid === sloDashboardUid())!;

describe('rendered dashboards', () => {
  test('there is one golden-signals dashboard per service and one SLO dashboard', () => {
    // then
    expect(dashboards.map((d) => d.uid)).toEqual([...catalog.services.map(goldenSignalsUid), sloDashboardUid()]);
  });

  test.each(dashboards.map((d) => [d.uid, d]))('%s has a title, a uid of at most 40 characters and refreshes every 30 s', (_uid, d) => {
    // then
    expect(d.json.title).toBe(d.title);
    expect(d.title.length).toBeGreaterThan(0);
    expect(d.json.uid).toBe(d.uid);
    expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(d.json.refresh).toBe('30s');
  });

  test('uids do not change from one render to the next', () => {
    // when rendered again
    const again = renderDashboards(catalog, inputs);
    // then
    expect(again.map((d) => d.uid)).toEqual(dashboards.map((d) => d.uid));
    expect(again.map((d) => JSON.stringify(d.json))).toEqual(dashboards.map((d) => JSON.stringify(d.json)));
  });

  test.each(dashboards.map((d) => [d.uid, d]))('%s round-trips through JSON unchanged', (_uid, d) => {
    // when
    const parsed = JSON.parse(JSON.stringify(d.json));
    // then
    expect(parsed).toEqual(d.json);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(d.json));
  });

  test.each(dashboards.map((d) => [d.uid, d]))('every panel and query of %s uses the data source variable', (_uid, d) => {
    // then
    const variable = `\${${VAR.datasource}}`;
    for (const panel of dataPanels(d.json)) {
      expect({ panel: panel.title, datasource: panel.datasource }).toEqual({
        panel: panel.title,
        datasource: { type: 'prometheus', uid: variable },
      });
      for (const t of panel.targets ?? []) expect(t.datasource).toEqual({ type: 'prometheus', uid: variable });
    }
    const templating = (d.json.templating as { list: { name: string; type: string }[] }).list;
    expect(templating.find((v) => v.name === VAR.datasource)?.type).toBe('datasource');
  });

  test.each(dashboards.map((d) => [d.uid, d]))(
    'every panel of %s has its own explicit id, in layout order, and fits the 24-column grid',
    (_uid, d) => {
      // then
      const panels = allPanels(d.json);
      const ids = panels.map((p) => p.id!);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      for (const p of panels) expect(p.gridPos!.x + p.gridPos!.w).toBeLessThanOrEqual(24);
    },
  );

  test.each(dashboards.map((d) => [d.uid, d]))('every PromQL expression of %s parses once template variables are filled in', (_uid, d) => {
    // given every query expression
    const exprs = dataPanels(d.json).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr! })));
    expect(exprs.length).toBeGreaterThan(0);
    // then
    for (const { panel, expr } of exprs) {
      expect({ panel, expr, error: promqlSyntaxError(interpolate(expr)) }).toEqual({ panel, expr, error: undefined });
    }
  });

  test('golden-signals dashboards have the datasource, region and service variables, regions from the environment', () => {
    for (const d of dashboards.filter((x) => x.uid !== sloDashboardUid())) {
      // when
      const list = (d.json.templating as { list: { name: string; query?: string }[] }).list;
      // then
      expect(list.map((v) => v.name)).toEqual([VAR.datasource, PLATFORM_VAR.region, PLATFORM_VAR.service]);
      expect(list[1]!.query).toBe(env.gcp.regions.map((r) => r.name).join(','));
    }
  });

  test('the api dashboard has the platform panels and saturation, in that order', () => {
    // when
    const api = dashboards.find((d) => d.uid === goldenSignalsUid(env.service.name))!;
    // then
    expect(allPanels(api.json).map((p) => `${p.type}:${p.title}`)).toEqual([
      'row:Traffic and errors',
      'timeseries:Request rate',
      'timeseries:Error rate',
      'timeseries:Rate limits (429s)',
      'row:Latency',
      'timeseries:Light endpoint latency',
      'timeseries:Webhook latency',
      'row:SLOs',
      'stat:SLO compliance',
      'stat:Uptime',
      'stat:Total requests',
      'row:Saturation',
      'timeseries:Cloud Run instances',
      'timeseries:Cloud Run CPU',
      'timeseries:Redis memory',
      'timeseries:Postgres connections',
      'timeseries:Postgres replication lag',
    ]);
  });

  test('services other than the Cloud Run service get latency and error panels from their SLIs, without saturation', () => {
    // when
    const auth = dashboards.find((d) => d.uid === goldenSignalsUid('auth'))!;
    const titles = dataPanels(auth.json).map((p) => p.title);
    // then
    expect(titles).toContain('token-check latency');
    expect(titles).toContain('token-check error ratio');
    expect(titles).not.toContain('Redis memory');
  });
});

describe('the SLO dashboard', () => {
  test('shows every SLO of the catalog with its SLI, budget, burn rate and alerts', () => {
    // given
    const panels = dataPanels(sloDashboard.json);
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr!));
    for (const slo of catalog.slos) {
      const sel = `slo="${slo.name}", service="${slo.service}"`;
      // then
      expect(panels.map((p) => p.title)).toContain(`${slo.name}: SLI over ${slo.window}`);
      expect(exprs).toContain(`1 - slo:sli_error:ratio_rate${slo.window}{${sel}}`);
      expect(exprs).toContain(`slo:error_budget_remaining:ratio{${sel}}`);
      expect(exprs).toContain(`count by (alertname, severity) (ALERTS{alertstate="firing", ${sel}})`);
      for (const w of slo.alerting.windows) {
        expect(exprs).toContain(`slo:sli_error:ratio_rate${w.longWindow}{${sel}} / ${slo.errorBudget}`);
        expect(exprs).toContain(`slo:sli_error:ratio_rate${w.shortWindow}{${sel}} / ${slo.errorBudget}`);
      }
    }
  });

  test('has one row per service', () => {
    // then
    const rows = allPanels(sloDashboard.json).filter((p) => p.type === 'row');
    expect(rows.map((r) => r.title)).toEqual(['Overview', ...catalog.services.map((s) => `Service ${s}`)]);
  });

  test('records a threshold origin for every built dashboard', () => {
    // when
    const built = buildDashboards(catalog, inputs);
    // then
    expect(built.every((d) => d.thresholds.length > 0)).toBe(true);
  });
});

describe('a service whose only SLI is a raw error-ratio query', () => {
  test('gets its error ratio and compliance panels but no request rate, and its queries parse', () => {
    // given a catalog with one extra service whose SLO has a raw SLI
    const base = catalog.slos.find((s) => s.id === 'api/error-rate')!;
    const raw = {
      ...base,
      service: 'billing',
      name: 'charge-errors',
      id: 'billing/charge-errors',
      sli: { kind: 'raw' as const, errorRatioQuery: 'sum(rate(charge_errors_total[{{.window}}])) / sum(rate(charge_total[{{.window}}]))' },
    };
    const withRaw = { slos: [...catalog.slos, raw], services: [...catalog.services, 'billing'].sort() };
    // when
    const billing = renderDashboards(withRaw, platformInputs(withRaw)).find((d) => d.uid === goldenSignalsUid('billing'))!;
    // then
    const panels = dataPanels(billing.json);
    expect(panels.map((p) => p.title)).toEqual(['SLO compliance', 'charge-errors error ratio']);
    const expr = panels[1]!.targets![0]!.expr!;
    expect(expr).toContain('charge_errors_total{region=~"$region"}[$__rate_interval]');
    expect(promqlSyntaxError(interpolate(expr))).toBeUndefined();
  });
});

describe('dashboard links', () => {
  test.each(dashboards.map((d) => [d.uid, d]))('%s links to the other dashboards from the top bar', (_uid, d) => {
    // then: no SDK default placement that would tuck the link into the controls menu
    expect(d.json.links).toEqual([expect.objectContaining({ type: 'dashboards', tags: ['slo-platform'], asDropdown: true })]);
    expect((d.json.links as Record<string, unknown>[])[0]).not.toHaveProperty('placement');
  });
});
