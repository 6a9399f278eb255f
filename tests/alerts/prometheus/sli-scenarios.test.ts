/**
 * The generated SLI-expression scenarios: each SLI form (ratio given as errors, ratio given as
 * good events, probe ratio, latency histogram) is run from raw series through its real recording
 * rule by promtool, including a total outage with no good-event series and a histogram whose
 * buckets are spelled as Prometheus 3 stores them; and the scenarios fail on the expressions they
 * exist to catch (the old `total - good` form, an `le` matcher of one spelling).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceRuleFile } from '../../../alerts/prometheus/artifacts';
import { ruleFileYaml, testFileYaml } from '../../../alerts/prometheus/serialize';
import { hasExpressionScenarios, sliExpressionTests, solveLabels } from '../../../alerts/prometheus/sli-scenarios';
import { promtoolTestFile } from '../../../alerts/prometheus/unit-tests';
import { findPromtool, PROMTOOL_INSTALL_HINT, runPromtool, type PromtoolRun } from '../../../bin/commands/test';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { environmentLinks } from '../../../layers/platform/layer';
import { buildCatalog } from '../../../slos/catalog';
import { loadCatalog } from '../../../slos/load';
import { findSlo, type Slo, type SloCatalog } from '../../../slos/model';
import { vectorSelectors } from '../../../slos/promql';

const FIXTURE = 'tests/fixtures/slos/sli-forms/shop.yaml';
const env = loadEnvironmentOrThrow('example');
/** The example's links and no layer: the shop catalog holds no platform SLO. */
const inputs = { links: environmentLinks(env), layers: [] };
const shop = buildCatalog([{ file: FIXTURE, text: readFileSync(FIXTURE, 'utf8') }]).catalog as SloCatalog;
const shipped = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;

/** A copy of the catalog with one SLO replaced. */
function replaced(catalog: SloCatalog, slo: Slo): SloCatalog {
  return { ...catalog, slos: catalog.slos.map((s) => (s.id === slo.id ? slo : s)) };
}

let tmp: string;
const runs: Record<string, PromtoolRun> = {};

/** The shop's generated expression scenarios only (the burn-rate scenarios are checked for the shipped specs). */
function expressionTestFile(): string {
  const groups = serviceRuleFile(shop, 'shop', inputs).groups.map((g) => g.name);
  const file = promtoolTestFile('shop', shop.slos, inputs, 'shop.rules.yaml', groups);
  return testFileYaml({ ...file, tests: file.tests.filter((t) => t.promql_expr_test !== undefined) });
}

/**
 * Runs the expression scenarios (`tests`, the same for every run) against `rules` (the generated
 * rule file, or a mutant of it) with `promtool test rules`, the run the tests read.
 */
async function run(name: string, tests: string, rules: string): Promise<PromtoolRun> {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'shop.test.yaml'), tests);
  writeFileSync(join(dir, 'shop.rules.yaml'), rules);
  return runPromtool(findPromtool()!, ['test', 'rules', 'shop.test.yaml'], dir);
}

beforeAll(async () => {
  if (!findPromtool()) throw new Error(PROMTOOL_INSTALL_HINT);
  tmp = mkdtempSync(join(tmpdir(), 'sli-scenarios-'));
  const latency = findSlo(shop, 'shop/checkout-latency')!;
  if (latency.sli.kind !== 'latency') throw new Error('fixture changed');
  // the good-events SLIs as they were recorded before: ((total - good) or vector(0)) / total
  const oldGood = shop.slos.reduce((catalog, slo) => {
    if (slo.sli.kind !== 'ratio' || slo.sli.goodQuery === undefined) return catalog;
    const sli = { kind: 'ratio' as const, errorQuery: `(${slo.sli.totalQuery}) - (${slo.sli.goodQuery})`, totalQuery: slo.sli.totalQuery };
    return replaced(catalog, { ...slo, sli });
  }, shop);
  const rules = (catalog: SloCatalog) => ruleFileYaml(serviceRuleFile(catalog, 'shop', inputs));
  const tests = expressionTestFile();
  const [generated, oldGoodForm, oneLe, absentOnly] = await Promise.all([
    run('generated', tests, rules(shop)),
    run('old-good-form', tests, rules(oldGood)),
    // the threshold bucket matched in the spec's spelling only, as `le="2"`
    run('one-le-spelling', tests, rules(shop).replaceAll('le=~"2|2\\\\.0"', 'le="2"')),
    // no-data alerts that only see absent series, not series without traffic
    run('no-data-absent-only', tests, rules(shop).replace(/\n {6}or\n {6}[^\n]* == 0/g, '')),
  ]);
  Object.assign(runs, { generated, oldGoodForm, oneLe, absentOnly });
  // (four promtool runs in parallel: about 110 s measured on a loaded 2-core machine; the timeout guards a hang)
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('sli expression scenarios', () => {
  test('every shipped sli and every sli form of the fixture gets scenarios on raw series', () => {
    // then
    expect(shipped.slos.filter((s) => !hasExpressionScenarios(s)).map((s) => s.id)).toEqual([]);
    expect(shop.slos.filter((s) => !hasExpressionScenarios(s)).map((s) => s.id)).toEqual([]);
  });

  test('the good-events form is checked on a total outage with and without a good-event series', () => {
    // when
    const names = sliExpressionTests(findSlo(shop, 'shop/successes')!, 60).map((g) => g.name);
    // then
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/successes .*every event fails: the 5m ratio reads 1$/),
        expect.stringMatching(/successes .*every event fails and no good-event series exists: the 5m ratio reads 1$/),
      ]),
    );
  });

  test('a histogram with an integer threshold is checked with both le spellings', () => {
    // when
    const groups = sliExpressionTests(findSlo(shop, 'shop/checkout-latency')!, 60);
    const buckets = groups.map((g) => g.input_series.map((i) => /le="([^"]*)"/.exec(i.series)?.[1]).filter(Boolean));
    // then: the threshold bucket, the next one up and +Inf, in the spec's and in Prometheus 3's spelling
    expect(buckets).toContainEqual(['2', '5', '+Inf']);
    expect(buckets).toContainEqual(['2.0', '5.0', '+Inf']);
  });

  test('the generated rules pass every sli expression scenario in promtool', () => {
    // then
    expect(runs.generated!.output).toContain('SUCCESS');
    expect(runs.generated!.code).toBe(0);
  });

  test('fails when a good-events sli reads a total outage without good series as 0 or no data (the old form)', () => {
    // then: the case with no good-event series at all catches the old form: a plain sum reads 0 %
    // errors, a sum by region reads nothing (vector(0) has no region to match the total's)
    const labels = (slo: string) => `\\{${slo.includes('regional') ? 'region="eu", ' : ''}service="shop", slo="${slo}", team="payments"\\}`;
    expect(runs.oldGoodForm!.code).not.toBe(0);
    expect(runs.oldGoodForm!.output).toMatch(new RegExp(`exp: ${labels('successes')} 1E\\+00\\s+got: ${labels('successes')} 0E\\+00`));
    expect(runs.oldGoodForm!.output).toMatch(new RegExp(`exp: ${labels('regional-successes')} 1E\\+00\\s+got: nil`));
    expect(runs.oldGoodForm!.output.match(/FAILED|exp:/g)).toHaveLength(3);
  });

  test('fails when the threshold bucket is matched in one le spelling only', () => {
    // then: with Prometheus 3's `2.0` buckets, `le="2"` selects nothing and the sli has no data
    expect(runs.oneLe!.code).not.toBe(0);
    expect(runs.oneLe!.output).toMatch(/exp: \{service="shop", slo="checkout-latency", team="payments"\} 2.5E-01\s+got: nil/);
  });
});

describe('no-data alert scenarios', () => {
  test.each(shop.slos.map((s) => s.id))('%s: its no-data alert fires with no series and stays quiet with traffic', (id) => {
    // when
    const names = sliExpressionTests(findSlo(shop, id)!, 60, {
      alert: 'X',
      expr: '',
      for: '5m',
      labels: {},
      annotations: {},
      routing: { team: 't', runbookPath: 'p', dashboardUid: 'u' },
    }).map((g) => g.name);
    // then
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no series at all: .*has no data, and the no-data alert fires$/),
        expect.stringMatching(/a quarter of the events fail: .*the no-data alert does not fire$/),
      ]),
    );
  });

  test('fails when the no-data alert only sees absent series, not an sli without traffic', () => {
    // then: every sli whose counters can go flat (not the probes) misses its no-traffic case
    expect(runs.absentOnly!.code).not.toBe(0);
    const missed = [...runs.absentOnly!.output.matchAll(/alertname: (\w+NoData), time/g)].map((m) => m[1]).sort();
    expect(missed).toEqual(['ShopCheckoutLatencyNoData', 'ShopErrorsNoData', 'ShopRegionalSuccessesNoData', 'ShopSuccessesNoData']);
  });
});

describe('solveLabels', () => {
  const sel = (q: string) => vectorSelectors(q);
  test.each([
    ['x{code=~"5.."}', 'x{job="a"}', { __name__: 'x', job: 'a' }],
    ['x{code!="200"}', 'x', { __name__: 'x', code: '200' }],
    ['x{code=~"2..|3.."}', 'x{code=~"[25].."}', { __name__: 'x', code: '500' }],
  ])('finds a series that %s does not select and %s does', (not, must, expected) => {
    // when
    const labels = solveLabels(sel(must), sel(not));
    // then
    expect(labels).toEqual(expected);
  });

  test('finds no series when the selectors contradict each other', () => {
    // when / then
    expect(solveLabels(sel('x{job="a"}'), sel('x{job=~"a|b"}'))).toBeUndefined();
    expect(solveLabels(sel('x{job="a"}').concat(sel('y{job="a"}')), [])).toBeUndefined();
  });
});
