import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalog } from '../../slos/catalog';
import { errorRatioQuery } from '../../slos/model';
import type { Problem } from '../../slos/problems';
import { LEGACY_SEVERITY_LABEL, SLOTH_WINDOWS } from '../../slos/sloth';
import { readSloth, readSlothSpec, SLOTH_FIXTURES, slothCatalog } from './sloth-fixtures';
import { documentedWindows, expectedConditions, specSlos } from './sloth-reference';

/** `file:line:col: message [rule]`, the parts of a problem a user sees. */
function located(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message} [${p.rule}]`;
}

describe('sloth prometheus/v1 reader', () => {
  test.each(SLOTH_FIXTURES.map((f) => [f.name, f] as const))(
    "the %s spec gives the alert windows, factors and thresholds of sloth's documented window table",
    (_name, fixture) => {
      // given the conditions sloth's documented windows and alert semantics give for the spec
      const expected = expectedConditions(readSloth(fixture.spec), fixture.period);
      // when our reader maps the spec
      const catalog = slothCatalog(fixture);
      const ours = catalog.slos.flatMap((slo) => slo.alerting.windows.map((w) => ({ slo, alert: slo.alerting.name, kind: w.kind, w })));
      // then every enabled class's window pair has a window with the same windows and factor
      expect(ours.map((o) => [o.slo.name, o.alert, o.kind, o.w.longWindow, o.w.shortWindow])).toEqual(
        expected.map((e) => [e.slo, e.alert, e.kind, e.longWindow, e.shortWindow]),
      );
      expect(expected.length).toBeGreaterThan(0);
      ours.forEach((o, i) => {
        expect(o.w.factor).toBeCloseTo(expected[i]!.factor, 9);
        expect(o.slo.errorBudget).toBeCloseTo(expected[i]!.budget, 9);
        expect(o.w.errorRatioThreshold).toBeCloseTo(expected[i]!.threshold, 12);
      });
    },
  );

  test('the 28-day catalogue keeps the shares and so lowers the factors, as sloth documents', () => {
    // given sloth's documented 28-day windows: the shares are literal for the period
    const documented = documentedWindows('28d');
    // when
    const [slo] = slothCatalog({ spec: 'specs/inventory.yml', period: '28d' }).slos;
    // then: 2 % of 28 d in 1 h is 13.44×, not the platform's 14.4×
    expect(slo!.window).toBe('28d');
    expect(slo!.alerting.windows.map((w) => [w.longWindow, w.shortWindow])).toEqual(documented.map((w) => [w.longWindow, w.shortWindow]));
    slo!.alerting.windows.forEach((w, i) => expect(w.factor).toBeCloseTo(documented[i]!.factor, 9));
    expect(slo!.alerting.windows[0]!.factor).toBeCloseTo(13.44, 9);
    expect(slo!.alerting.windows.map((w) => w.budgetShare)).toEqual(documented.map((w) => w.budgetPercent / 100));
    expect(SLOTH_WINDOWS.map((r) => r.budgetShare)).toEqual(documentedWindows('30d').map((w) => w.budgetPercent / 100));
  });

  test('labels merge service, then slo; alert and per-class labels stay on the alerts', () => {
    // given the spec's own labels at each level
    const [spec1, spec2] = specSlos(readSloth('specs/inventory.yml'));
    // when
    const [slo1, slo2] = slothCatalog({ spec: 'specs/inventory.yml', period: '30d' }).slos;
    // then
    expect(slo1!.labels).toEqual({ domain: 'stock', flow: 'checkout' });
    expect(slo1!.labels).toEqual(spec1!.labels);
    expect(slo1!.alerting.labels).toEqual({ escalation: 'standard' });
    expect(slo1!.alerting.kindLabels).toEqual({ page: { pager: 'inventory-primary' }, ticket: { queue: 'inventory-backlog' } });
    expect(slo1!.alerting.name).toBe('InventoryReservationsBurn');
    // and the second slo disables both alert classes and has no budget-consumed alerts
    expect(spec2!.classes).toEqual({ page: { enabled: false, labels: {} }, ticket: { enabled: false, labels: {} } });
    expect(slo2!.alerting.windows).toEqual([]);
    expect(slo2!.alerting.budgetConsumed.thresholdsPercent).toEqual([]);
  });

  test('a raw error-ratio sli is used as the error ratio of each window', () => {
    // given
    const slo2 = slothCatalog({ spec: 'specs/inventory.yml', period: '30d' }).slos[1]!;
    // when
    const q = errorRatioQuery(slo2.sli, '1h');
    // then
    expect(slo2.sli.kind).toBe('raw');
    expect(q).toBe('(sum(rate(stock_sync_runs_total{status="failed"}[1h]))\n/\nsum(rate(stock_sync_runs_total[1h])))');
  });

  test('severity labels map to the platform levels, and other values are kept for routing', () => {
    // given payments (severity oncall/chat) and ledger (critical/warning)
    const payments = slothCatalog({ spec: 'specs/payments.yml', period: '30d' }).slos[0]!;
    const ledger = slothCatalog({ spec: 'specs/ledger.yml', period: '30d' }).slos[0]!;
    // then
    expect(payments.alerting.severities).toEqual({ page: 'page', ticket: 'warning' });
    expect(payments.alerting.kindLabels.page).toEqual({ routing_key: 'payments-oncall', [LEGACY_SEVERITY_LABEL]: 'oncall' });
    expect(payments.alerting.kindLabels.ticket).toEqual({ chat_channel: '#payments-alerts', [LEGACY_SEVERITY_LABEL]: 'chat' });
    expect(ledger.alerting.severities).toEqual({ page: 'critical', ticket: 'warning' });
    expect(ledger.alerting.kindLabels.page).toEqual({});
    // and the team comes from the owner label, an unquoted number label is a string, the runbook from the annotation
    expect(payments.team).toBe('payments-team');
    expect(payments.labels['tier']).toBe('1');
    expect(ledger.alerting.runbookUrl).toBe('https://runbooks.example.org/ledger#writes-failing');
  });

  test('rejects a sloth slo whose id a native spec already declares', () => {
    // given the shipped api spec and a sloth file declaring api/availability again
    const native = { file: 'slos/api.yaml', text: readFileSync(join(__dirname, '../../slos/api.yaml'), 'utf8') };
    const sloth = {
      file: 'sloth.yml',
      text: 'version: prometheus/v1\nservice: api\nslos:\n  - name: availability\n    objective: 99.9\n    sli:\n      raw: { error_ratio_query: "x[{{.window}}]" }\n',
    };
    // when
    const { catalog, problems } = buildCatalog([native, sloth]);
    // then
    expect(catalog).toBeUndefined();
    expect(problems.map(located)).toEqual([
      expect.stringMatching(
        /^sloth\.yml:4:11: duplicate slo name "availability" in service "api"; first declared at slos\/api\.yaml:\d+ \[unique-name\]$/,
      ),
    ]);
  });

  test('the catalog dispatches sloth files and native files side by side', () => {
    // given the shipped api spec and a sloth spec
    const native = { file: 'slos/api.yaml', text: readFileSync(join(__dirname, '../../slos/api.yaml'), 'utf8') };
    // when
    const { catalog, problems } = buildCatalog([native, { file: 'payments.yml', text: readSloth('specs/payments.yml') }]);
    // then
    expect(problems).toEqual([]);
    expect(catalog!.slos.map((s) => s.id)).toContain('payments/charge-availability');
    expect(catalog!.slos.filter((s) => s.service === 'api').length).toBeGreaterThan(0);
  });

  test.each([
    [
      'a query without the window placeholder',
      `version: prometheus/v1
service: svc
slos:
  - name: a
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(errors_total[5m]))
        total_query: sum(rate(requests_total[{{.window}}]))
`,
      ['s.yaml:8:22: sli.events.error_query has no {{.window}} placeholder; each rule window is put there [sloth-query]'],
    ],
    [
      'both events and raw',
      `version: prometheus/v1
service: svc
slos:
  - name: a
    objective: 99.9
    sli:
      events: { error_query: "sum(rate(e[{{.window}}]))", total_query: "sum(rate(t[{{.window}}]))" }
      raw: { error_ratio_query: "x{w='{{.window}}'}" }
`,
      ['s.yaml:7:7: sli needs exactly one of events or raw; both given [sloth-sli]'],
    ],
    [
      'an sli plugin and unparsable promql',
      `version: prometheus/v1
service: svc
slos:
  - name: a
    objective: 99.9
    sli:
      plugin: { id: sloth-common/availability }
  - name: b
    objective: 99
    sli:
      raw: { error_ratio_query: "sum(rate(e[{{.window}}]) /" }
`,
      [
        's.yaml:7:15: sloth sli plugins are not supported; write the sli as events or raw queries [sloth-sli]',
        expect.stringMatching(/^s\.yaml:11:33: sli\.raw\.error_ratio_query: promql does not parse at offset/),
      ],
    ],
    [
      'an objective of 100 and an unknown field',
      `version: prometheus/v1
service: svc
slos:
  - name: a
    objective: 100
    sli:
      raw: { error_ratio_query: "x[{{.window}}]" }
    alerting:
      page: {}
`,
      [
        's.yaml:5:16: slos[0].objective is 100; allowed: a number greater than 0 and less than 100 (100 leaves no error budget to alert on) [schema]',
        's.yaml:9:7: unknown field "page" in slos[0].alerting; allowed: name, labels, annotations, page_alert, ticket_alert [schema]',
      ],
    ],
    [
      'an objective whose page alert can never fire',
      `version: prometheus/v1
service: svc
slos:
  - name: a
    objective: 90
    sli:
      raw: { error_ratio_query: "x[{{.window}}]" }
    alerting:
      ticket_alert: { disable: true }
`,
      [
        's.yaml:5:16: objective 90 leaves a budget too large for the 1h page alert: its threshold 14.4 × 10 % ≥ 100 % can never fire; raise the objective or set alerting.page_alert.disable [alerts-can-fire]',
      ],
    ],
  ])('rejects a spec with %s, naming file, line and column', (_what, text, messages) => {
    // when
    const { slos, problems } = readSlothSpec('s.yaml', text);
    // then
    expect(slos).toEqual([]);
    expect(problems.map(located)).toEqual(messages);
  });
});
