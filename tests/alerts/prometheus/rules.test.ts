/**
 * The Prometheus rules rendered from the shipped specs: recording rules, burn-rate thresholds
 * checked against the SRE Workbook's definition written out here (independently of
 * slos/burn-rate.ts), mixtool-style lint rules, rule counts against Sloth's, symptom alerts and
 * their config-derived thresholds.
 */
import { readFileSync } from 'node:fs';
import { prometheusArtifacts, serviceRuleFile } from '../../../alerts/prometheus/artifacts';
import { isAlertingRule, type AlertingRule, type RecordingRule, type Rule } from '../../../alerts/prometheus/rules';
import { recordedErrorRatioExpr, recordedWindows, sliRecordingRules, sloSeriesLabels } from '../../../alerts/prometheus/sli-rules';
import { sloAlertRules, sloRuleGroup } from '../../../alerts/prometheus/slo-alerts';
import { SYMPTOM, symptomGroup } from '../../../layers/platform/symptoms';
import { exampleSymptoms, platformInputs } from '../../layers/platform/example';
import { pagingAvailability } from './paging-catalog';
import { readSloth } from '../../slos/sloth-fixtures';
import { documentedWindows, shapedRuleCount, slothDocs, slothShapedRules } from '../../slos/sloth-reference';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import type { EnvironmentConfig } from '../../../environments/schema';
import { BUDGET_REMAINING_RECORD, GENERATED_HEADER, OBJECTIVE_RECORD } from '../../../slos/conventions';
import { formatDuration, parseDuration } from '../../../slos/duration';
import { loadCatalog } from '../../../slos/load';
import type { Slo, SloCatalog } from '../../../slos/model';
import { artifactText, parseGeneratedYaml, type Artifact } from '../../../slos/artifact';

const env = loadEnvironmentOrThrow('example');
const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;
/** The rule and test files of the shipped specs, generated once for the tests that read them all. */
let shipped: Artifact[] | undefined;
const shippedArtifacts = (): Artifact[] => (shipped ??= prometheusArtifacts(catalog, platformInputs(catalog)));
const allRules: Rule[] = catalog.services.flatMap((s) =>
  serviceRuleFile(catalog, s, platformInputs(catalog)).groups.flatMap((g) => g.rules),
);
const alerts = allRules.filter(isAlertingRule);

/**
 * The Workbook's multiwindow table ("Alerting on SLOs", recommended parameters for a 30-day SLO),
 * written out here on purpose: budget share spent over the long window, long and short window.
 * The factor is share × 30 days / long window; a period P scales the share by 30 d / P, which
 * leaves the factor as it is.
 */
const WORKBOOK = [
  { kind: 'page', share: 0.02, long: '1h', longHours: 1, short: '5m' },
  { kind: 'page', share: 0.05, long: '6h', longHours: 6, short: '30m' },
  { kind: 'ticket', share: 0.1, long: '3d', longHours: 72, short: '6h' },
] as const;

/** The threshold `X` of `<record>{...} > X` in an expression, per record name. */
function thresholds(expr: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of expr.matchAll(/(slo:sli_error:ratio_rate\w+)\{[^}]*\}\s*>\s*([0-9.e-]+)/g)) out.set(m[1]!, Number(m[2]));
  return out;
}

function burnAlert(slo: Slo, kind: 'page' | 'ticket'): AlertingRule | undefined {
  return sloAlertRules(slo)
    .filter(isAlertingRule)
    .find((r) => r.labels.slo_alert === kind);
}

describe('SLI recording rules', () => {
  test.each(catalog.slos.map((s) => [s.id, s] as const))(
    '%s records each alert window and its SLO window, named after the range',
    (_, slo) => {
      // when
      const records = sliRecordingRules(slo) as RecordingRule[];
      // then: one ratio per window, and each ratio's PromQL ranges over exactly its own window
      const ratios = records.filter((r) => r.record.startsWith('slo:sli_error:ratio_rate'));
      const windows = ratios.map((r) => r.record.replace('slo:sli_error:ratio_rate', ''));
      const expected = new Set([slo.window, ...slo.alerting.windows.flatMap((w) => [w.longWindow, w.shortWindow])]);
      expect(new Set(windows)).toEqual(expected);
      // each window of a day or more sums the recorded 5m rates over exactly its window, the 5m
      // window divides them, and every other window reads raw series over exactly its own range
      for (const r of ratios) {
        const window = r.record.replace('slo:sli_error:ratio_rate', '');
        const ranges = new Set([...r.expr.matchAll(/\[(\w+)\]/g)].map((m) => m[1]));
        const summed = parseDuration(window) >= 86400;
        expect({ window, ranges: [...ranges], readsBaseRates: r.expr.includes('slo:sli_total:rate5m') }).toEqual({
          window,
          ranges: window === '5m' ? [] : [summed ? formatDuration(parseDuration(window) - 300) : window],
          readsBaseRates: summed || window === '5m',
        });
        if (summed)
          expect(r.expr).toMatch(/^sum_over_time\(slo:sli_error:rate5m\{[^}]*\}\[\w+\]\)\n\/\nsum_over_time\(slo:sli_total:rate5m/);
      }
      // and: the base rates come first, the total before the error rate (a latency error rate reads it)
      expect(records.slice(0, 2).map((r) => r.record)).toEqual(['slo:sli_total:rate5m', 'slo:sli_error:rate5m']);
      // and: objective and remaining budget, labelled with slo, service and team
      expect(records.map((r) => r.record)).toEqual(expect.arrayContaining([OBJECTIVE_RECORD, BUDGET_REMAINING_RECORD]));
      for (const r of records) expect(r.labels).toMatchObject({ slo: slo.name, service: slo.service, team: slo.team, ...slo.labels });
    },
  );

  test('latency SLIs count good events in the histogram bucket of the threshold, and read _count once per window', () => {
    // given
    const slo = catalog.slos.find((s) => s.id === 'api/light-endpoint-latency')!;
    // when
    const rule = (record: string) => (sliRecordingRules(slo) as RecordingRule[]).find((r) => r.record === record)!.expr;
    // then: the base error rate is the recorded total minus the good bucket
    expect(rule('slo:sli_error:rate5m')).toBe(
      'slo:sli_total:rate5m{service="api", slo="light-endpoint-latency"}\n- on ()\nsum(rate(http_request_duration_seconds_bucket{job="api", route_class="light", le="0.05"}[5m]))',
    );
    expect(rule('slo:sli_total:rate5m')).toBe('sum(rate(http_request_duration_seconds_count{job="api", route_class="light"}[5m]))');
    // and: a raw window is 1 − good / count
    expect(rule('slo:sli_error:ratio_rate1h')).toBe(
      '1 - (\nsum(rate(http_request_duration_seconds_bucket{job="api", route_class="light", le="0.05"}[1h]))\n/\nsum(rate(http_request_duration_seconds_count{job="api", route_class="light"}[1h]))\n)',
    );
  });

  test('the remaining budget is one minus the whole-window error ratio over the error budget', () => {
    const slo = catalog.slos.find((s) => s.id === 'api/availability')!;
    const remaining = (sliRecordingRules(slo) as RecordingRule[]).find((r) => r.record === BUDGET_REMAINING_RECORD)!;
    expect(remaining.expr).toBe('1 - slo:sli_error:ratio_rate30d{service="api", slo="availability"} / 0.001');
  });
});

describe('burn-rate alerts against the Workbook definition', () => {
  const cases = catalog.slos.flatMap((slo) =>
    WORKBOOK.filter((row) => slo.alerting.windows.some((w) => w.kind === row.kind)).map((row) => [slo.id, row.long, slo, row] as const),
  );

  test.each(cases)('%s: the %s window compares long and short ratios with factor × error budget', (_, __, slo, row) => {
    // given: the Workbook factor and threshold, computed here
    const factor = (row.share * 30 * 24) / row.longHours;
    const threshold = factor * (1 - slo.objectivePercent / 100);
    // when
    const rule = burnAlert(slo, row.kind)!;
    const t = thresholds(rule.expr);
    // then: both windows of the row are in the expression with that threshold
    expect(t.get(`slo:sli_error:ratio_rate${row.long}`)).toBeCloseTo(threshold, 12);
    expect(t.get(`slo:sli_error:ratio_rate${row.short}`)).toBeCloseTo(threshold, 12);
    // and: the alert's value is the burn rate (ratio over the error budget)
    expect(rule.expr.trimEnd().endsWith(`/ ${Number((1 - slo.objectivePercent / 100).toPrecision(12))}`)).toBe(true);
  });

  test('the 99.9 %/30 d availability SLO pages at 14.4x (0.0144) over 1h and 5m, 6x (0.006) over 6h and 30m', () => {
    // given the Workbook's worked example: the availability SLO with its page turned back on
    const rule = burnAlert(pagingAvailability(), 'page')!;
    // then
    expect(Object.fromEntries(thresholds(rule.expr))).toEqual({
      'slo:sli_error:ratio_rate1h': 0.0144,
      'slo:sli_error:ratio_rate5m': 0.0144,
      'slo:sli_error:ratio_rate6h': 0.006,
      'slo:sli_error:ratio_rate30m': 0.006,
    });
  });

  test('page and ticket alerts share the SLO alert name and differ by slo_alert and severity', () => {
    const slo = catalog.slos.find((s) => s.id === 'api/error-rate')!;
    const burn = sloAlertRules(slo)
      .filter(isAlertingRule)
      .filter((r) => r.alert === slo.alerting.name);
    expect(burn.map((r) => [r.labels.slo_alert, r.labels.severity])).toEqual([
      ['page', 'page'],
      ['ticket', 'warning'],
    ]);
  });

  test('an SLO with pages disabled gets only a ticket alert and records no page windows', () => {
    const slo = catalog.slos.find((s) => s.id === 'auth/token-check')!;
    expect(burnAlert(slo, 'page')).toBeUndefined();
    expect(recordedWindows(slo)).toEqual(['6h', '3d', '28d']);
  });

  test('the availability SLO does not page on burn rate: its probes are too few, the symptom pages instead', () => {
    // given the shipped spec, whose 36 probes an hour put the 1h/5m page threshold below one failed probe
    const slo = catalog.slos.find((s) => s.id === 'api/availability')!;
    // then only the slow-burn ticket is left, and only its windows are recorded
    expect(burnAlert(slo, 'page')).toBeUndefined();
    expect(burnAlert(slo, 'ticket')).toBeDefined();
    expect(recordedWindows(slo)).toEqual(['6h', '3d', '30d']);
  });

  test('one budget alert covers every spec threshold, labelling each with its percent', () => {
    const slo = catalog.slos.find((s) => s.id === 'api/error-rate')!;
    const budget = sloAlertRules(slo)
      .filter(isAlertingRule)
      .filter((r) => r.alert === 'ApiErrorRateBudgetConsumed');
    expect(budget).toHaveLength(1);
    expect(budget[0]!.labels.severity).toBe('info');
    expect(budget[0]!.expr.split('\nor\n')).toEqual(
      slo.alerting.budgetConsumed.thresholdsPercent.map(
        (p) =>
          `label_replace(slo:error_budget_remaining:ratio{service="api", slo="error-rate"} < ${Number((1 - p / 100).toPrecision(12))}, "budget_consumed_percent", "${p}", "", "")`,
      ),
    );
  });
});

describe('mixtool-style lint of every alert', () => {
  test.each(alerts.map((a) => [a.alert, a.labels.slo_alert ?? a.labels.reason ?? '', a] as const))(
    '%s %s follows the alert conventions',
    (_, __, a) => {
      expect(a.alert).toMatch(/^([A-Z]+[a-z0-9]+)+$/);
      expect(['page', 'critical', 'warning', 'info']).toContain(a.labels.severity);
      expect(a.annotations.summary).toMatch(/^[A-Z].+\.$/);
      expect(a.annotations.summary).not.toContain('{{');
      expect(a.annotations.description).toMatch(/\{\{.+\}\}/);
      expect(a.annotations.runbook_url).toMatch(/^https:\/\/\S+#\S+$/);
      expect(a.annotations.dashboard_url).toMatch(/^https:\/\/grafana\.example\.com\/d\/\S+$/);
      expect(a.labels.team).toBeTruthy();
    },
  );

  test('a runbook link defaults to the environment runbook base and the SLO anchor', () => {
    // given an SLO without its own runbook URL
    const base = catalog.slos.find((s) => s.id === 'api/error-rate')!;
    const slo: Slo = { ...base, alerting: { ...base.alerting, runbookUrl: undefined } };
    const one: SloCatalog = { slos: [slo], services: ['api'] };
    // when
    const rule = serviceRuleFile(one, 'api', { links: { runbookBaseUrl: env.runbookBaseUrl }, layers: [] }).groups[0]!.rules.find(
      isAlertingRule,
    )!;
    // then
    expect(rule.annotations.runbook_url).toBe(`${env.runbookBaseUrl}/slos.md#error-rate`);
  });
});

describe('rules per SLO', () => {
  /** Sloth's rule count for one SLO with both alert classes, from its documented rule shape. */
  const shaped = slothShapedRules(readSloth('specs/payments.yml'), '30d');
  const slothRules = shapedRuleCount(shaped);

  test("sloth's shape records every distinct window and the period, its metadata, and one alert per class", () => {
    // given the windows of sloth's documented 30-day table
    const windows = documentedWindows('30d');
    const distinct = new Set(windows.flatMap((w) => [w.shortWindow, w.longWindow]));
    // then
    expect(shaped.groups.map((g) => g.rules.length)).toEqual([distinct.size + 1, slothDocs().rules.metadataRecords.length, 2]);
  });

  test.each(catalog.slos.map((s) => [s.id, s] as const))('%s has no more rules than Sloth produces for an SLO', (_, slo) => {
    const count = sloRuleGroup(slo).rules.length;
    expect(count).toBeLessThanOrEqual(slothRules);
  });
});

describe('symptom alerts', () => {
  const inputs = exampleSymptoms(catalog);
  const group = symptomGroup(inputs);
  const rules = group.rules.filter(isAlertingRule);

  test('eight alerts cover the four severities and live in the api rule file', () => {
    expect(new Set(rules.map((r) => r.alert))).toEqual(new Set(Object.values(SYMPTOM)));
    expect(new Set(rules.map((r) => r.labels.severity))).toEqual(new Set(['page', 'critical', 'warning', 'info']));
    expect(serviceRuleFile(catalog, 'api', platformInputs(catalog)).groups.map((g) => g.name)).toContain('symptoms-api');
    expect(serviceRuleFile(catalog, 'auth', platformInputs(catalog)).groups.map((g) => g.name)).not.toContain('symptoms-api');
  });

  test('SLO-based symptoms compare the ratio over two scrapes with each platform SLO error budget', () => {
    // the example scrapes every minute and evaluates every minute: the fast window is two scrapes, 2 m
    const expr = (alert: string, reason?: string) => rules.find((r) => r.alert === alert && (!reason || r.labels.reason === reason))!.expr;
    expect(expr(SYMPTOM.errorRate)).toBe('slo:sli_error:ratio_rate2m{service="api", slo="error-rate"} > 0.01');
    expect(expr(SYMPTOM.latency, 'light-endpoint-latency')).toBe(
      'slo:sli_error:ratio_rate2m{service="api", slo="light-endpoint-latency"} > 0.01',
    );
    expect(expr(SYMPTOM.latency, 'webhook-execution-latency')).toBe(
      'slo:sli_error:ratio_rate2m{service="api", slo="webhook-execution-latency"} > 0.05',
    );
  });

  test('the availability symptom needs more than one failed probe round, not the 0.1 % budget', () => {
    const rule = rules.find((r) => r.alert === SYMPTOM.availability)!;
    // four rounds of 5-minute uptime probes need at least 20 m: the 30 m series (6 rounds) is the
    // shortest that long; one and a half rounds of six is 0.25
    expect(rule.expr).toBe('slo:sli_error:ratio_rate30m{service="api", slo="availability"} > 0.25');
    // the threshold itself is the debounce: no pending period on top
    expect(rule.for).toBeUndefined();
  });

  test('a window the symptoms read and no SLI group records is recorded once, first in the symptom group', () => {
    // given the availability SLO, which pages no burn rate and so records no 30 m ratio of its own,
    // and the three SLOs of the fast symptoms, whose own groups record no 2 m ratio
    const slo = (id: string) => catalog.slos.find((s) => s.id === id)!;
    const availability = slo('api/availability');
    const fast = ['api/error-rate', 'api/light-endpoint-latency', 'api/webhook-execution-latency'].map(slo);
    expect(recordedWindows(availability)).not.toContain('30m');
    for (const s of fast) expect(recordedWindows(s)).not.toContain('2m');
    // then the symptom group records them from the SLI itself, with the labels of the SLO's series
    const recordings = group.rules.filter((r): r is RecordingRule => !isAlertingRule(r));
    expect(recordings).toEqual([
      {
        record: 'slo:sli_error:ratio_rate30m',
        expr: recordedErrorRatioExpr(availability, '30m'),
        labels: sloSeriesLabels(availability),
      },
      ...fast.map((s) => ({ record: 'slo:sli_error:ratio_rate2m', expr: recordedErrorRatioExpr(s, '2m'), labels: sloSeriesLabels(s) })),
    ]);
    expect(group.rules.slice(0, recordings.length)).toEqual(recordings);
    // and every series of the api rule file is recorded by exactly one rule
    const file = serviceRuleFile(catalog, 'api', platformInputs(catalog)).groups.flatMap((g) => g.rules);
    const series = file.filter((r): r is RecordingRule => !isAlertingRule(r)).map((r) => `${r.record}${JSON.stringify(r.labels)}`);
    expect(new Set(series).size).toBe(series.length);
  });

  test.each([
    ['database.rpoSeconds', (e: EnvironmentConfig) => ({ ...e, database: { ...e.database, rpoSeconds: 300 } }), SYMPTOM.postgres, '> 300'],
    [
      'symptoms.restartingInstances',
      (e: EnvironmentConfig) => ({ ...e, symptoms: { ...e.symptoms, restartingInstances: 5 } }),
      SYMPTOM.restarts,
      '>= 5',
    ],
    [
      'symptoms.rateLimitedShare',
      (e: EnvironmentConfig) => ({ ...e, symptoms: { ...e.symptoms, rateLimitedShare: 0.2 } }),
      SYMPTOM.rateLimited,
      '> 0.2',
    ],
    [
      'monitoring.uptimePeriodSeconds',
      // 1-minute probes: four rounds fit in the 5 m series, one and a half rounds of five is 0.3
      (e: EnvironmentConfig) => ({ ...e, monitoring: { ...e.monitoring, uptimePeriodSeconds: 60 as const } }),
      SYMPTOM.availability,
      'slo:sli_error:ratio_rate5m{service="api", slo="availability"} > 0.3',
    ],
    [
      'symptoms.keyRotationTimeoutSeconds',
      (e: EnvironmentConfig) => ({ ...e, symptoms: { ...e.symptoms, keyRotationTimeoutSeconds: 600 } }),
      SYMPTOM.keyRotation,
      '> 600',
    ],
  ] as const)('the %s of the environment sets its threshold', (_, change, alert, expected) => {
    // when
    const changed = symptomGroup({ ...inputs, env: change(env) }).rules.filter(isAlertingRule);
    // then
    expect(
      changed
        .filter((r) => r.alert === alert)
        .map((r) => r.expr)
        .join('\n'),
    ).toContain(expected);
  });

  test('each runbook anchor is a heading of docs/runbooks/symptoms.md', () => {
    const doc = readFileSync('docs/runbooks/symptoms.md', 'utf8');
    const anchors = new Set(
      [...doc.matchAll(/^## (.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const r of rules) expect(anchors).toContain(r.routing.runbookPath.split('#')[1]);
  });
});

describe('runbook links', () => {
  /** The anchors of the Markdown headings of a docs file, the way GitHub derives them. */
  const anchorsOf = (file: string) =>
    new Set(
      [...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );

  test('every runbook_url of every generated alert that points into docs/runbooks names an existing heading', () => {
    // given the alerts of every generated rule file, policy applied
    const generated = shippedArtifacts()
      .filter((a) => a.path.endsWith('.rules.yaml'))
      .flatMap(
        (a) =>
          (parseGeneratedYaml(artifactText(a)) as { groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[] })
            .groups,
      )
      .flatMap((g) => g.rules.filter((r) => r.alert));
    // then each link resolves to a heading of its runbook page
    const links = generated.map((r) => /\/docs\/runbooks\/([\w-]+\.md)#([\w-]+)$/.exec(r.annotations!.runbook_url!));
    expect(links.every(Boolean)).toBe(true);
    for (const [, file, anchor] of links as RegExpExecArray[]) expect(anchorsOf(`docs/runbooks/${file}`)).toContain(anchor);
  });
});

describe('rule files', () => {
  test('every service gets a rule file and a test file with the generated header, the same on every run', () => {
    const first = shippedArtifacts();
    const second = prometheusArtifacts(catalog, platformInputs(catalog));
    expect(first.map((a) => a.path)).toEqual(catalog.services.flatMap((s) => [`prometheus/${s}.rules.yaml`, `prometheus/${s}.test.yaml`]));
    for (const a of first) expect(artifactText(a).startsWith(`# ${GENERATED_HEADER}\n`)).toBe(true);
    // (compared as text: the parts may be bytes, which deep equality walks one index at a time)
    expect(second.map((a) => [a.path, artifactText(a)])).toEqual(first.map((a) => [a.path, artifactText(a)]));
  });
});

describe('evaluation interval', () => {
  test.each([['1m'], ['15s']])(
    "every group of a rule file (the symptom group too) states the spec file's interval %s, and its test file evaluates at it",
    (interval) => {
      // given the api specs with evaluationInterval set (the default is 1m)
      const api: SloCatalog = {
        services: ['api'],
        slos: catalog.slos.filter((s) => s.service === 'api').map((s) => ({ ...s, evaluationInterval: interval })),
      };
      // when
      const artifacts = prometheusArtifacts(api, platformInputs(api));
      const rules = parseGeneratedYaml(artifactText(artifacts.find((a) => a.path === 'prometheus/api.rules.yaml')!)) as {
        groups: { name: string; interval: string }[];
      };
      const tests = parseGeneratedYaml(artifactText(artifacts.find((a) => a.path === 'prometheus/api.test.yaml')!)) as {
        evaluation_interval: string;
      };
      // then
      expect(rules.groups.map((g) => g.name)).toContain('symptoms-api');
      expect(new Set(rules.groups.map((g) => g.interval))).toEqual(new Set([interval]));
      expect(tests.evaluation_interval).toBe(interval);
    },
  );

  test('the shipped specs state none, so every group is evaluated every minute', () => {
    expect(new Set(catalog.slos.map((s) => s.evaluationInterval))).toEqual(new Set(['1m']));
  });
});

describe('one group per SLO', () => {
  test.each(catalog.slos.map((s) => [s.id, s] as const))(
    '%s has one group holding its SLI records first, then every alert that reads them',
    (_, slo) => {
      // when
      const file = serviceRuleFile(catalog, slo.service, platformInputs(catalog));
      const group = file.groups.find((g) => g.rules.some((r) => !isAlertingRule(r) && r.labels.slo === slo.name))!;
      // then
      const kinds = group.rules.map((r) => (isAlertingRule(r) ? 'alert' : 'record'));
      expect(kinds.indexOf('alert')).toBeGreaterThan(kinds.lastIndexOf('record'));
      const recorded = new Set(group.rules.filter((r) => !isAlertingRule(r)).map((r) => (r as RecordingRule).record));
      for (const alert of group.rules.filter(isAlertingRule))
        for (const m of alert.expr.matchAll(/(slo:[a-z_]+:[a-z_0-9]+)\{[^}]*slo="([^"]+)"/g)) {
          expect(m[2]).toBe(slo.name);
          expect(recorded).toContain(m[1]);
        }
      const alertNames = new Set(sloAlertRules(slo).map((r) => r.alert));
      expect(group.name).toBe(`slo-${slo.service}-${slo.name}`);
      expect(file.groups.filter((g) => g.rules.some((r) => isAlertingRule(r) && alertNames.has(r.alert)))).toEqual([group]);
    },
  );
});
