/**
 * The generated Prometheus files of the shipped specs, run through promtool once (beforeAll):
 * every rule file passes `promtool check rules`, every generated scenario passes
 * `promtool test rules`, and a rule file with one broken factor or one broken window fails its
 * generated tests. Also the committed golden rule file of the `api` service.
 *
 * promtool is required (STYLE §12): without it these tests fail with the install hint.
 * Regenerate the golden file with `UPDATE_GOLDEN=1 npx jest tests/alerts/prometheus/promtool`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { prometheusArtifacts, serviceRuleFile } from '../../../alerts/prometheus/artifacts';
import { withAlertPolicy } from '../../../alerts/prometheus/policy';
import { expandingNotation, seriesSelector } from '../../../alerts/prometheus/private/series';
import { isAlertingRule, type AlertingRule, type TestFile } from '../../../alerts/prometheus/rules';
import { expectedAlert } from '../../../alerts/prometheus/scenario';
import { testFileYaml } from '../../../alerts/prometheus/serialize';
import { sloSeriesLabels } from '../../../alerts/prometheus/sli-rules';
import {
  availabilityWindow,
  fastSymptomWindow,
  SYMPTOM,
  SYMPTOM_SEVERITY,
  symptomGroup,
  symptomGroupName,
  symptomWindow,
} from '../../../layers/platform/symptoms';
import { environmentLinks } from '../../../layers/platform/layer';
import { BLIP_SECONDS } from '../../../layers/platform/symptom-scenarios';
import { exampleSymptoms, platformInputs } from '../../layers/platform/example';
import { branchDetectionSeconds, burnBranch } from '../../../slos/alert-timing';
import { fullOutageDetectionSeconds } from '../../../slos/burn-rate';
import { parseDuration } from '../../../slos/duration';
import { checkAndTest, findPromtool, PROMTOOL_INSTALL_HINT, runPromtool, type PromtoolRun } from '../../../bin/commands/test';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { loadCatalog } from '../../../slos/load';
import type { SloCatalog } from '../../../slos/model';
import { artifactText, parseGeneratedYaml } from '../../../slos/artifact';
import { TEST_FILE_PARSE } from './test-file-parse';

const GOLDEN = join(__dirname, '__golden__', 'api.rules.yaml');
const env = loadEnvironmentOrThrow('example');
const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;
const artifacts = prometheusArtifacts(catalog, platformInputs(catalog));
const content = (path: string) => artifactText(artifacts.find((a) => a.path === path)!);

let tmp: string;
let runs: PromtoolRun[] = [];
let broken: { factor: PromtoolRun; window: PromtoolRun; keepFiring: PromtoolRun; echo: PromtoolRun };
let probes: PromtoolRun;
let traffic: PromtoolRun;

/**
 * Raw uptime probes through the real availability recording rules (the generated scenarios give
 * ratio SLIs' recorded series directly): one probe per checker region every uptime period, a
 * healthy window first; then one failed round in every region, and later a real outage. The
 * availability symptom must stay quiet through the blip and page on the outage's second round.
 */
function probeTestFile(): string {
  const inputs = exampleSymptoms(catalog);
  const slo = inputs.platform.availability;
  const rule = withAlertPolicy(
    symptomGroup(inputs).rules.find((r) => isAlertingRule(r) && r.alert === SYMPTOM.availability) as AlertingRule,
    environmentLinks(env),
  );
  const period = env.monitoring.uptimePeriodSeconds;
  const perWindow = parseDuration(availabilityWindow(inputs)) / period;
  // the probe selector of the shipped availability spec, e.g. probe_success{job="uptime", service="api"}
  const selector = /probe_success\{([^}]*)\}/.exec(slo.sli.kind === 'ratio' ? slo.sli.totalQuery : '')!;
  const labels = Object.fromEntries([...selector[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const blip = 2 * perWindow; // sample index of the single failed round
  const outage = blip + 2 * perWindow; // first failed round of the outage, a window after the blip left
  const values = Array.from({ length: outage + 4 }, (_, i) => (i === blip || i >= outage ? 0 : 1));
  const minutes = (sample: number, plus = 0) => `${(sample * period + plus) / 60}m`;
  // Prometheus 2 ranges are closed at both ends: the window ending at a sample holds perWindow + 1 rounds.
  const fired = expectedAlert(rule, sloSeriesLabels(slo), 2 / (perWindow + 1));
  const file: TestFile = {
    rule_files: ['api.rules.yaml'],
    evaluation_interval: '1m',
    group_eval_order: serviceRuleFile(catalog, 'api', platformInputs(catalog)).groups.map((g) => g.name),
    tests: [
      {
        name: 'one failed probe round in every region stays quiet; an outage pages at its second round',
        interval: `${period}s`,
        input_series: env.monitoring.uptimeCheckerRegions.map((region) => ({
          series: seriesSelector('probe_success', { ...labels, checker_region: region }),
          values: expandingNotation(values),
        })),
        alert_rule_test: [
          ...[0, 60, period, period * (perWindow - 1)].map((plus) => ({
            eval_time: minutes(blip, plus),
            alertname: rule.alert,
            exp_alerts: [],
          })),
          { eval_time: minutes(outage, period - 60), alertname: rule.alert, exp_alerts: [] },
          { eval_time: minutes(outage + 1), alertname: rule.alert, exp_alerts: [fired] },
        ],
      },
    ],
  };
  return testFileYaml(file);
}

/** Writes `files` (name → content) into a fresh directory under `tmp`. */
function writeDir(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

/**
 * The error-rate SLO and the request symptoms on raw `http_requests_total`: healthy traffic that
 * has never produced a 5xx (no error series at all), and an idle service (counters flat). The
 * first must record an error ratio of 0 and a full budget, not "no data"; neither may alert.
 */
function trafficTestFile(): string {
  const inputs = exampleSymptoms(catalog);
  const slo = inputs.platform.errorRate;
  const job = { job: env.service.name };
  const quiet = (at: string) =>
    [slo.alerting.name, `${slo.alerting.name.replace(/BudgetBurn$/, '')}BudgetConsumed`, SYMPTOM.errorRate, SYMPTOM.rateLimited].map(
      (alertname) => ({ eval_time: at, alertname, exp_alerts: [] }),
    );
  const sample = (record: string, value: number) => ({ labels: seriesSelector(record, sloSeriesLabels(slo)), value });
  return stringify({
    rule_files: ['api.rules.yaml'],
    evaluation_interval: '1m',
    group_eval_order: serviceRuleFile(catalog, 'api', platformInputs(catalog)).groups.map((g) => g.name),
    tests: [
      {
        name: 'traffic that never failed records an error ratio of 0 and a whole budget, and alerts nothing',
        interval: '1m',
        input_series: [{ series: seriesSelector('http_requests_total', { ...job, code: '200' }), values: '1000+600x40' }],
        alert_rule_test: quiet('30m'),
        promql_expr_test: [
          {
            expr: `slo:sli_error:ratio_rate5m{slo="${slo.name}"}`,
            eval_time: '30m',
            exp_samples: [sample('slo:sli_error:ratio_rate5m', 0)],
          },
          {
            expr: `slo:error_budget_remaining:ratio{slo="${slo.name}"}`,
            eval_time: '30m',
            exp_samples: [sample('slo:error_budget_remaining:ratio', 1)],
          },
        ],
      },
      {
        name: 'an idle service (no requests, old 5xx counters) alerts nothing',
        interval: '1m',
        input_series: [
          { series: seriesSelector('http_requests_total', { ...job, code: '200' }), values: '1000x40' },
          { series: seriesSelector('http_requests_total', { ...job, code: '500' }), values: '50x40' },
        ],
        alert_rule_test: quiet('30m'),
      },
    ],
  });
}

/**
 * The api rule file with the fast symptoms reading the window they read before the no-echo fix
 * (the Workbook's shortest, 5 m, under the same 5 m hold), and its test file with only the no-echo
 * scenarios: the 45 s blip must then fire them.
 */
function echoMutant(): { rules: string; tests: string } {
  const inputs = exampleSymptoms(catalog);
  const [fast, old] = [fastSymptomWindow(inputs), symptomWindow(inputs.platform.errorRate, 0)];
  expect(old).not.toBe(fast);
  const file = parseGeneratedYaml(content('prometheus/api.rules.yaml')) as {
    groups: { name: string; rules: { alert?: string; expr: string }[] }[];
  };
  const symptoms = file.groups.find((g) => g.name === symptomGroupName(inputs.service))!;
  for (const r of symptoms.rules) {
    if (r.alert) r.expr = r.expr.replaceAll(`ratio_rate${fast}{`, `ratio_rate${old}{`).replaceAll(`[${fast}]`, `[${old}]`);
  }
  const rules = stringify(file);
  expect(rules).not.toBe(stringify(parseGeneratedYaml(content('prometheus/api.rules.yaml'))));
  const data = parseGeneratedYaml(content('prometheus/api.test.yaml')) as { tests: { name: string }[] };
  const tests = data.tests.filter((t) => t.name.startsWith('no echoes'));
  expect(tests.length).toBeGreaterThan(0);
  return { rules, tests: stringify({ ...data, tests }) };
}

/** A promtool test file with only its wandering-burn groups. */
function wanderingOnly(testFile: string): string {
  const data = parseGeneratedYaml(testFile) as { tests: { name: string }[] };
  return stringify({ ...data, tests: data.tests.filter((t) => t.name.startsWith('a burn wandering')) });
}

beforeAll(async () => {
  const promtool = findPromtool();
  if (!promtool) throw new Error(PROMTOOL_INSTALL_HINT);
  tmp = mkdtempSync(join(tmpdir(), 'slo-promtool-'));
  const shipped = writeDir('shipped', Object.fromEntries(artifacts.map((a) => [a.path.replace('prometheus/', ''), artifactText(a)])));
  // Mutants of the reports rule file: the 1x ticket threshold doubled, and the 6h short window recorded over 12h.
  const reports = content('prometheus/reports.rules.yaml');
  // The mutants only change burn-rate alert conditions, so their runs keep the scenarios that assert
  // a burn-rate alert: the others (SLI expressions, budget alerts, no data) pass on the mutants
  // as on the generated file and only cost promtool time.
  const burnAlerts = new Set(catalog.slos.filter((s) => s.service === 'reports').map((s) => s.alerting.name));
  const reportsTests = parseGeneratedYaml(content('prometheus/reports.test.yaml')) as TestFile;
  const tests = testFileYaml({
    ...reportsTests,
    tests: reportsTests.tests.filter((t) => t.alert_rule_test.some((a) => burnAlerts.has(a.alertname))),
  });
  expect((parseGeneratedYaml(tests) as TestFile).tests.length).toBeGreaterThan(0);
  const factorMutant = reports.replace(
    /(slo:sli_error:ratio_rate3d\{[^}]*\} > )([0-9.]+)/g,
    (_, a: string, x: string) => `${a}${Number(x) * 2}`,
  );
  const windowMutant = reports.replace(/\[6h\]/g, '[12h]');
  const keepFiringMutant = reports.replace(/^ *keep_firing_for: .*\n/gm, '');
  expect(keepFiringMutant).not.toBe(reports);
  expect(factorMutant).not.toBe(reports);
  expect(windowMutant).not.toBe(reports);
  const probeDir = writeDir('probes', { 'api.rules.yaml': content('prometheus/api.rules.yaml'), 'probes.test.yaml': probeTestFile() });
  const trafficDir = writeDir('traffic', {
    'api.rules.yaml': content('prometheus/api.rules.yaml'),
    'traffic.test.yaml': trafficTestFile(),
  });
  const echo = echoMutant();
  const [all, factor, window, keepFiring, probe, idle, echoRun] = await Promise.all([
    checkAndTest(promtool, shipped),
    runPromtool(
      promtool,
      ['test', 'rules', 'reports.test.yaml'],
      writeDir('factor', { 'reports.rules.yaml': factorMutant, 'reports.test.yaml': tests }),
    ),
    runPromtool(
      promtool,
      ['test', 'rules', 'reports.test.yaml'],
      writeDir('window', { 'reports.rules.yaml': windowMutant, 'reports.test.yaml': tests }),
    ),
    runPromtool(
      promtool,
      ['test', 'rules', 'reports.test.yaml'],
      // only the wandering-burn groups: the rest of the file is the factor and window mutants' business
      writeDir('keep-firing', { 'reports.rules.yaml': keepFiringMutant, 'reports.test.yaml': wanderingOnly(tests) }),
    ),
    runPromtool(promtool, ['test', 'rules', 'probes.test.yaml'], probeDir),
    runPromtool(promtool, ['test', 'rules', 'traffic.test.yaml'], trafficDir),
    runPromtool(
      promtool,
      ['test', 'rules', 'api.test.yaml'],
      writeDir('echo', { 'api.rules.yaml': echo.rules, 'api.test.yaml': echo.tests }),
    ),
  ]);
  probes = probe;
  traffic = idle;
  runs = all;
  broken = { factor, window, keepFiring, echo: echoRun };
  // (the timeout only guards against a hang: at the 1m evaluation interval the shipped files keep
  // promtool busy for minutes on a loaded 2-core machine)
}, 600_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('promtool on the generated files', () => {
  test('every rule file passes promtool check rules', () => {
    const check = runs.find((r) => r.args[0] === 'check')!;
    expect(check.output).not.toMatch(/FAILED/);
    expect(check.code).toBe(0);
    expect(check.args.slice(2)).toEqual(catalog.services.map((s) => `${s}.rules.yaml`));
  });

  test('every generated scenario passes promtool test rules', () => {
    const tested = runs.filter((r) => r.args[0] === 'test');
    expect(tested.map((r) => r.args[2])).toEqual(catalog.services.map((s) => `${s}.test.yaml`));
    for (const r of tested)
      expect({ file: r.args[2], code: r.code, output: r.code === 0 ? '' : r.output }).toEqual({ file: r.args[2], code: 0, output: '' });
  });

  test('fails the generated tests when one burn-rate factor in the rules is broken', () => {
    expect(broken.factor.code).not.toBe(0);
    expect(broken.factor.output).toMatch(/FAILED/);
  });

  test('fails the generated tests when one window in the rules is broken', () => {
    expect(broken.window.code).not.toBe(0);
    expect(broken.window.output).toMatch(/FAILED/);
  });

  test('fails the blip scenarios when the fast symptoms read the old 5m window under their hold (they would echo)', () => {
    expect(broken.echo.code).not.toBe(0);
    expect(broken.echo.output).toContain(
      `name: no echoes: a ${BLIP_SECONDS} s blip of server errors and slow requests fires no fast symptom`,
    );
    expect(broken.echo.output).toContain(`name: no echoes: a ${BLIP_SECONDS} s blip of 429s fires no fast symptom`);
  });

  test('fails the wandering-burn scenario when the ticket loses its keep_firing_for (it would flap)', () => {
    expect(broken.keepFiring.code).not.toBe(0);
    expect(broken.keepFiring.output).toMatch(/name: a burn wandering around the ticket factor/);
  });
});

describe('availability symptom on raw uptime probes', () => {
  test('one failed probe round stays quiet and a real outage pages ApiAvailabilityLow at its second failed round', () => {
    expect({ code: probes.code, output: probes.code === 0 ? '' : probes.output }).toEqual({ code: 0, output: '' });
  });
});

/**
 * A test file's text with every aliased `exp_alerts` list written out: each `exp_alerts: &aN`
 * loses its anchor and each `exp_alerts: *aN` becomes the lines of the list anchored as `aN`.
 */
function expandAliases(text: string): string {
  const lists = new Map<string, string>();
  return text.replace(
    /^( *)exp_alerts: ([&*])(a\d+)\n((?:\1(?:- | {2}).*\n)*)/gm,
    (_, indent: string, sigil: string, name: string, body: string) => {
      if (sigil === '&') lists.set(name, body);
      else if (!lists.has(name)) throw new Error(`alias *${name} before its anchor`);
      return `${indent}exp_alerts:\n${sigil === '&' ? body : lists.get(name)! + body}`;
    },
  );
}

describe('repeated expected alerts', () => {
  test('a generated test file writes each repeated list of expected alerts once, aliases it after, and reads back as written out', () => {
    // given the shipped api test file, which expects the same alerts at many evaluations
    const text = content('prometheus/api.test.yaml');
    // when its aliases are written out
    const expanded = expandAliases(text);
    // then it holds aliases, none is left in the written-out form, and both read as the same data
    expect(text).toContain('    exp_alerts: &a1\n    - exp_labels:\n');
    expect(text).toContain('    exp_alerts: *a1\n');
    expect(expanded).not.toMatch(/exp_alerts: [&*]/);
    const data = parse(expanded) as TestFile;
    expect(parse(text, TEST_FILE_PARSE)).toEqual(data);
    // each anchor has an alias, and each distinct non-empty list is written in full exactly once
    const anchors = [...text.matchAll(/exp_alerts: &(a\d+)\n/g)].map((m) => m[1]!);
    expect(anchors).toEqual(anchors.map((_, i) => `a${i + 1}`));
    for (const a of anchors) expect(text).toContain(`exp_alerts: *${a}\n`);
    const lists = data.tests.flatMap((t) => t.alert_rule_test.map((a) => a.exp_alerts)).filter((l) => l.length > 0);
    expect(text.match(/^ *exp_alerts:( &a\d+)?\n/gm)!.length).toBe(new Set(lists.map((l) => JSON.stringify(l))).size);
    // and promtool runs it: every scenario passes
    const run = runs.find((r) => r.args[0] === 'test' && r.args[2] === 'api.test.yaml')!;
    expect({ code: run.code, output: run.code === 0 ? '' : run.output }).toEqual({ code: 0, output: '' });
  });
});

describe('error ratio without errors or without traffic', () => {
  test('a service without any 5xx records ratio 0 and a whole budget, and an idle service pages nothing', () => {
    expect({ code: traffic.code, output: traffic.code === 0 ? '' : traffic.output }).toEqual({ code: 0, output: '' });
  });
});

describe('generated scenarios', () => {
  const files = catalog.services.map((s) => parseGeneratedYaml(content(`prometheus/${s}.test.yaml`)) as TestFile);
  const asserted = files.flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test.map((a) => ({ group: t.name, ...a }))));

  test.each(catalog.slos.map((s) => [s.id, s.alerting.name] as const))('%s has a full outage that fires %s', (_, alert) => {
    const fired = asserted.filter((a) => a.alertname === alert && a.exp_alerts.length > 0 && a.group.startsWith('full outage'));
    expect(fired.length).toBeGreaterThan(0);
  });

  test.each(
    catalog.slos.flatMap((s) =>
      (['page', 'ticket'] as const)
        .filter((kind) => s.alerting.windows.some((w) => w.kind === kind && Number.isFinite(fullOutageDetectionSeconds(w))))
        .map((kind) => [s.id, kind, s] as const),
    ),
  )('%s: in the full outage the %s alert is asserted firing no later than its computed detection time', (_, kind, slo) => {
    const windows = slo.alerting.windows.filter((w) => w.kind === kind && Number.isFinite(fullOutageDetectionSeconds(w)));
    // given the file's evaluation step and the outage start (after the longest page window, else the longest short window)
    const file = files[catalog.services.indexOf(slo.service)]!;
    const step = parseDuration(file.evaluation_interval);
    const pages = slo.alerting.windows.filter((w) => w.kind === 'page');
    const start =
      Math.ceil(
        Math.max(...(pages.length > 0 ? pages.map((w) => w.longWindowSeconds) : slo.alerting.windows.map((w) => w.shortWindowSeconds))) /
          step,
      ) * step;
    // when the first assertion that expects this kind firing
    const firing = asserted
      .filter((a) => a.group.startsWith('full outage') && a.alertname === slo.alerting.name)
      .filter((a) => a.exp_alerts.some((e) => e.exp_labels.slo_alert === kind))
      .map((a) => parseDuration(a.eval_time));
    // then it comes within one evaluation of the computed detection time (a summed window's lag included)
    expect(firing.length).toBeGreaterThan(0);
    const detection = Math.min(...windows.map((w) => branchDetectionSeconds(burnBranch(slo, w, step))));
    expect(Math.min(...firing) - start).toBeLessThanOrEqual(detection + step);
  });

  test.each(catalog.slos.map((s) => [s.id, s.alerting.name] as const))(
    '%s has a full outage after which every %s alert (page and ticket) is checked resolved',
    (_, alert) => {
      // given the assertions of the full-outage scenario on this alert name, in time order
      const outage = asserted.filter((a) => a.alertname === alert && a.group.startsWith('full outage'));
      const seconds = (d: string) => parseDuration(d);
      const lastFiring = Math.max(...outage.filter((a) => a.exp_alerts.length > 0).map((a) => seconds(a.eval_time)));
      // then a later assertion expects no alert at all: the page and the slow ticket both resolved
      expect(outage.some((a) => seconds(a.eval_time) > lastFiring && a.exp_alerts.length === 0)).toBe(true);
    },
  );

  test.each(catalog.slos.filter((s) => s.alerting.windows.some((w) => w.kind === 'page')).map((s) => [s.id, s.alerting.name] as const))(
    '%s has a steady burn of 1x under which %s never pages',
    (_, alert) => {
      const steady = asserted.filter((a) => a.alertname === alert && a.group.startsWith('a steady burn of 1x'));
      expect(steady.length).toBeGreaterThan(0);
      expect(steady.flatMap((a) => a.exp_alerts.map((e) => e.exp_labels.slo_alert))).not.toContain('page');
    },
  );

  test.each(
    catalog.slos.flatMap((s) => s.alerting.windows.map((w) => [s.id, `${w.longWindow}/${w.shortWindow}`, s.alerting.name] as const)),
  )('%s has a just-above and a just-below scenario for its %s window', (_, window, alert) => {
    const groups = asserted.filter((a) => a.alertname === alert && a.group.includes(` ${window} `)).map((a) => a.group);
    expect(groups.some((g) => g.includes('just above'))).toBe(true);
    expect(groups.some((g) => g.includes('just below'))).toBe(true);
  });

  test.each([
    ['Redis unavailable', SYMPTOM.redis, SYMPTOM_SEVERITY.redis],
    ['database unavailable', SYMPTOM.postgres, SYMPTOM_SEVERITY.postgres],
    ['instances restart at once', SYMPTOM.restarts, SYMPTOM_SEVERITY.restarts],
    ['a revoked key is still accepted', SYMPTOM.keyRotation, SYMPTOM_SEVERITY.keyRotation],
    ['a rotation never completes', SYMPTOM.keyRotation, SYMPTOM_SEVERITY.keyRotation],
    ['the first rotation of a process never completes', SYMPTOM.keyRotation, SYMPTOM_SEVERITY.keyRotation],
  ])('the chaos case "%s" is caught by %s with severity %s', (chaos, alert, severity) => {
    const caught = asserted.filter((a) => a.group.startsWith('chaos') && a.group.includes(chaos) && a.alertname === alert);
    expect(caught.flatMap((a) => a.exp_alerts.map((e) => e.exp_labels.severity))).toEqual([severity]);
  });

  test.each(Object.values(SYMPTOM))('the symptom alert %s fires in some scenario', (alert) => {
    expect(asserted.some((a) => a.alertname === alert && a.exp_alerts.length > 0)).toBe(true);
  });
});

describe('golden rule file', () => {
  test('the api rule file matches the committed golden file', () => {
    const actual = content('prometheus/api.rules.yaml');
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(join(__dirname, '__golden__'), { recursive: true });
      writeFileSync(GOLDEN, actual);
    }
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});
