/**
 * `slo generate` on spec directories of other teams: the generic engine with no environment, no
 * docs table and no platform SLO writes exactly the output of their specs, with no platform
 * symptom alert and no link of the bundled example; links come from flags; `--env example` adds
 * the platform layer back. Exercised through the CLI, as a consumer runs it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkAndTest, findPromtool, PROMTOOL_INSTALL_HINT, runPromtool } from '../../bin/commands/test';
import { SYMPTOM } from '../../layers/platform/symptoms';
import { runCli as run } from './run-cli';

const NEW_TEAM = 'tests/fixtures/slos/new-team';
const SLOTH_ONLY = 'tests/fixtures/slos/sloth-only';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-generic-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file under `dir`, path relative to it → content. */
function readTree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(files.map((e) => [join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name), 'utf8')]));
}

interface RuleDoc {
  groups: { name: string; rules: { alert?: string; record?: string; annotations?: Record<string, string> }[] }[];
}

/** The alerting rules of every rule file of a generated tree. */
function alertsOf(tree: Map<string, string>) {
  return [...tree]
    .filter(([path]) => path.endsWith('.rules.yaml'))
    .flatMap(([, text]) => (parse(text) as RuleDoc).groups.flatMap((g) => g.rules.filter((r) => r.alert !== undefined)));
}

/** Generates `slos` with `flags` into a fresh directory and returns its files. */
async function generated(slos: string, ...flags: string[]): Promise<Map<string, string>> {
  const out = mkdtempSync(join(tmp, 'out-'));
  rmSync(out, { recursive: true });
  const result = await run('generate', '--slos', slos, ...flags, '--out', out);
  expect([result.code, result.err]).toEqual([0, '']);
  return readTree(out);
}

const SYMPTOM_NAMES = new Set<string>(Object.values(SYMPTOM));

describe('slo generate without an environment', () => {
  test.each([
    ['two services of a new team', NEW_TEAM, ['cart', 'catalog']],
    ['sloth prometheus/v1 specs alone', SLOTH_ONLY, ['payments']],
  ])('writes exactly the output of %s, with no platform symptom and no example link', async (_, slos, services) => {
    // when
    const tree = await generated(slos);
    // then: a rule file and a test file per service, its golden-signals dashboard and the SLO dashboard
    const paths = [...tree.keys()].sort();
    expect(paths.filter((p) => p.startsWith('prometheus/'))).toEqual(
      services.flatMap((s) => [`prometheus/${s}.rules.yaml`, `prometheus/${s}.test.yaml`]),
    );
    expect(paths.filter((p) => p.startsWith('grafana/')).map((p) => p.replace(/-[0-9a-f]{8}\.json$/, ''))).toEqual([
      ...services.map((s) => `grafana/golden-signals-${s}`),
      'grafana/slo-overview',
    ]);
    // and nothing of the platform: no symptom alert or group, no example URL, no region filter
    const alerts = alertsOf(tree);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.filter((a) => SYMPTOM_NAMES.has(a.alert!) || /^Api/.test(a.alert!))).toEqual([]);
    for (const [path, text] of tree) {
      expect([path, /example\.com|symptoms-|\$region|\$\{region\}/.exec(text)?.[0]]).toEqual([path, undefined]);
    }
    // and, with no Grafana URL known, no dashboard_url at all
    expect(alerts.filter((a) => a.annotations?.dashboard_url !== undefined)).toEqual([]);
  });

  test('takes alert links from --grafana-url and --runbook-base-url', async () => {
    // when
    const tree = await generated(
      NEW_TEAM,
      '--grafana-url',
      'https://grafana.storefront.test/',
      '--runbook-base-url',
      'https://wiki.storefront.test/runbooks',
    );
    // then: every alert links its dashboard under the given Grafana
    const alerts = alertsOf(tree);
    for (const a of alerts) expect(a.annotations?.dashboard_url).toMatch(/^https:\/\/grafana\.storefront\.test\/d\/[a-z0-9-]+$/);
    // and the spec's own runbook URL wins; an SLO without one links under the base
    const runbooks = new Set(alerts.map((a) => a.annotations?.runbook_url));
    expect(runbooks).toContain('https://runbooks.storefront.test/catalog#search-errors');
    expect(runbooks).toContain('https://wiki.storefront.test/runbooks/slos.md#search-latency');
  });

  test('the generated files of a new team pass promtool check rules and their own promtool tests', async () => {
    // given
    const promtool = findPromtool();
    if (!promtool) throw new Error(PROMTOOL_INSTALL_HINT);
    const out = join(tmp, 'promtool');
    expect((await run('generate', '--slos', NEW_TEAM, '--out', out)).code).toBe(0);
    // when
    const runs = await checkAndTest(promtool, join(out, 'prometheus'));
    // then
    expect(runs.map((r) => [r.args.join(' '), r.code, r.code === 0 ? '' : r.output])).toEqual([
      ['check rules cart.rules.yaml catalog.rules.yaml', 0, ''],
      ['test rules cart.test.yaml', 0, ''],
      ['test rules catalog.test.yaml', 0, ''],
    ]);
  });

  test('the rule file of sloth specs alone passes promtool check rules', async () => {
    // given
    const promtool = findPromtool();
    if (!promtool) throw new Error(PROMTOOL_INSTALL_HINT);
    const out = join(tmp, 'sloth-promtool');
    expect((await run('generate', '--slos', SLOTH_ONLY, '--out', out)).code).toBe(0);
    // when (its scenarios run Sloth's 3-day windows at a 1-minute step: tests/alerts/prometheus/peers covers them)
    const check = await runPromtool(promtool, ['check', 'rules', 'payments.rules.yaml'], join(out, 'prometheus'));
    // then
    expect([check.code, check.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });
});

describe('slo generate --env example', () => {
  test('adds the platform layer: the symptom group in the api file, the example links', async () => {
    // when
    const tree = await generated('slos', '--env', 'example');
    // then
    const api = parse(tree.get('prometheus/api.rules.yaml')!) as RuleDoc;
    const symptoms = api.groups.find((g) => g.name === 'symptoms-api')!;
    expect(new Set(symptoms.rules.filter((r) => r.alert).map((r) => r.alert))).toEqual(SYMPTOM_NAMES);
    for (const a of alertsOf(tree)) expect(a.annotations?.dashboard_url).toMatch(/^https:\/\/grafana\.example\.com\/d\//);
    // and without --env the same specs get no symptom group
    const plain = parse((await generated('slos')).get('prometheus/api.rules.yaml')!) as RuleDoc;
    expect(plain.groups.map((g) => g.name)).toEqual(api.groups.map((g) => g.name).filter((n) => n !== 'symptoms-api'));
  });
});
