import { platformInputs } from '../layers/platform/example';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ThresholdOrigin } from '../../dashboards/panels/common';
import { buildDashboards } from '../../dashboards/render';
import { platformSlos } from '../../environments/platform-slos';
import type { EnvironmentConfig } from '../../environments/schema';
import { goldenSignalsUid } from '../../slos/conventions';
import { parseDocTable, type DocTarget } from '../../slos/docs-targets';
import type { SloCatalog } from '../../slos/model';
import { dataPanels, type JsonPanel, loadBundled, thresholdValues } from './dashboard-json';

// given the bundled specs, the documented targets and the example environment
const { catalog, env, inputs } = loadBundled();
const docs = parseDocTable('docs/SLOs.md', readFileSync('docs/SLOs.md', 'utf8')).rows;
const built = buildDashboards(catalog, inputs);

/** A documented quantity in its base unit: "50 ms" → 0.05 (s), "99.9 %" → 0.999, "1 % = 1h 40m" → 0.01. */
function parseDocQuantity(text: string): number {
  const m = /^\s*([0-9.]+)\s*(ms|s|%)/.exec(text);
  if (!m) throw new Error(`cannot read a quantity from ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  return Number((m[2] === 'ms' ? n / 1000 : m[2] === '%' ? n / 100 : n).toPrecision(12));
}

/** A base-unit value expressed in a Grafana panel unit. */
function inUnit(value: number, unit: string | undefined, quantity: 'duration' | 'ratio'): number {
  if (quantity === 'duration') return unit === 'ms' ? value * 1000 : value;
  return unit === 'percent' ? value * 100 : value;
}

function docRow(sloId: string): DocTarget {
  const row = docs.find((r) => `${r.service}/${r.slo}` === sloId);
  if (!row) throw new Error(`${sloId} is not documented in docs/SLOs.md`);
  return row;
}

function envValue(e: EnvironmentConfig, path: string): number {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], e) as number;
}

/** What an origin says the threshold must be, read from the docs, the catalog or the config. */
function expected(origin: ThresholdOrigin, unit: string | undefined, cat: SloCatalog = catalog): number {
  switch (origin.kind) {
    case 'slo': {
      const row = docRow(origin.sloId);
      if (origin.field === 'thresholdSeconds') return inUnit(parseDocQuantity(row.threshold), unit, 'duration');
      if (origin.field === 'objective') return inUnit(parseDocQuantity(row.objective), unit, 'ratio');
      return inUnit(parseDocQuantity(row.errorBudget), unit, 'ratio');
    }
    case 'burn-factor':
      return cat.slos.find((s) => s.id === origin.sloId)!.alerting.windows.find((w) => w.id === origin.windowId)!.factor;
    case 'budget-consumed': {
      const slo = cat.slos.find((s) => s.id === origin.sloId)!;
      expect([...slo.alerting.budgetConsumed.thresholdsPercent, 100]).toContain(origin.percent);
      return 1 - origin.percent / 100;
    }
    case 'env':
      return envValue(env, origin.path) * origin.scale;
  }
}

function panelById(json: Readonly<Record<string, unknown>>, id: number): JsonPanel {
  return dataPanels(json).find((p) => p.id === id)!;
}

describe('dashboard thresholds', () => {
  test.each(built.map((d) => [d.uid, d]))('every threshold step on %s has a recorded origin, and every origin is drawn', (_uid, d) => {
    for (const panel of dataPanels(d.json)) {
      // when
      const drawn = thresholdValues(panel).sort((a, b) => a - b);
      const recorded = d.thresholds
        .filter((t) => t.panelId === panel.id)
        .map((t) => t.value)
        .sort((a, b) => a - b);
      // then
      expect({ panel: panel.title, values: drawn }).toEqual({ panel: panel.title, values: recorded });
    }
  });

  test.each(built.map((d) => [d.uid, d]))('every threshold on %s equals the documented target of its SLO, in the panel unit', (_uid, d) => {
    for (const t of d.thresholds) {
      // given
      const panel = panelById(d.json, t.panelId);
      // then
      expect({ panel: panel.title, origin: t.origin, value: t.value }).toEqual({
        panel: panel.title,
        origin: t.origin,
        value: expect.closeTo(expected(t.origin, panel.fieldConfig?.defaults?.unit), 12),
      });
    }
  });

  test('the platform lines are the documented 50 ms, 1.2 s, 1 % and 99.9 %, in seconds and ratios', () => {
    // given
    const p = platformSlos(env, catalog);
    const api = built.find((d) => d.uid === goldenSignalsUid(p.lightLatency.service))!;
    const byTitle = (title: string) => dataPanels(api.json).find((x) => x.title === title)!;
    const cases: [string, string, number][] = [
      ['Light endpoint latency', 's', parseDocQuantity(docRow(p.lightLatency.id).threshold)],
      ['Webhook latency', 's', parseDocQuantity(docRow(p.webhookLatency.id).threshold)],
      ['Error rate', 'percentunit', parseDocQuantity(docRow(p.errorRate.id).errorBudget)],
      ['Uptime', 'percentunit', parseDocQuantity(docRow(p.availability.id).objective)],
    ];
    for (const [title, unit, value] of cases) {
      // then
      const panel = byTitle(title);
      expect(panel.fieldConfig!.defaults!.unit).toBe(unit);
      expect(thresholdValues(panel)).toEqual([value]);
    }
  });

  test('the burn-rate panel of every SLO draws each alert factor', () => {
    // given
    const sloDash = built[built.length - 1]!;
    for (const slo of catalog.slos) {
      // when
      const recorded = sloDash.thresholds.filter((t) => t.origin.kind === 'burn-factor' && t.origin.sloId === slo.id).map((t) => t.value);
      // then
      expect(recorded.sort((a, b) => a - b)).toEqual([...new Set(slo.alerting.windows.map((w) => w.factor))].sort((a, b) => a - b));
    }
  });
});

describe('changing an SLO threshold in a spec', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('moves the dashboard threshold line with no other edit', () => {
    // given a copy of the specs where the light-endpoint threshold is 40 ms instead of 50 ms
    dir = mkdtempSync(join(tmpdir(), 'slo-dash-'));
    cpSync('slos', dir, { recursive: true });
    const file = join(dir, 'api.yaml');
    const before = readFileSync(file, 'utf8');
    const after = before
      .replace(
        'thresholdSeconds: 0.05\n        buckets: [0.005, 0.01, 0.025, 0.05,',
        'thresholdSeconds: 0.04\n        buckets: [0.005, 0.01, 0.025, 0.04, 0.05,',
      )
      .replace('rangeMax: 50', 'rangeMax: 40');
    expect(after).not.toBe(before);
    writeFileSync(file, after);
    const changed = loadBundled(dir, null).catalog;
    const light = platformSlos(env, changed).lightLatency;
    expect(light.sli.thresholdSeconds).toBe(0.04);

    // when
    const again = buildDashboards(changed, platformInputs(changed));

    // then the light-latency line is at 0.04 s
    const api = again.find((d) => d.uid === goldenSignalsUid(light.service))!;
    const panel = dataPanels(api.json).find((p) => p.title === 'Light endpoint latency')!;
    expect(thresholdValues(panel)).toEqual([0.04]);
    // and nothing else on any dashboard moved but that line and the sentence that names it
    const diffs = again.flatMap((d, i) => jsonDiff(built[i]!.json, d.json, d.uid));
    expect(diffs).toEqual([`${api.uid}.panels[5].description`, `${api.uid}.panels[5].fieldConfig.defaults.thresholds.steps[1].value`]);
  });
});

/** Paths where two JSON values differ. */
function jsonDiff(a: unknown, b: unknown, path: string): string[] {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b ? [] : [path];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) =>
    jsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`),
  );
}
