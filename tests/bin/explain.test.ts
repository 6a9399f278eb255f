import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Explanation } from '../../bin/commands/explain';
import { readSloth } from '../slos/sloth-fixtures';
import { runCli as run } from './run-cli';

const RUNBOOK = 'https://runbooks.example.com/slos.md';

/** A native spec with one ratio SLO per (name, objective, window). */
function nativeSpec(service: string, slos: [string, number, string][]): string {
  return [
    'apiVersion: slo-platform/v1',
    'kind: ServiceLevelObjectives',
    `service: ${service}`,
    'owner: sre',
    'slos:',
    ...slos.flatMap(([name, objective, window]) => [
      `  - name: ${name}`,
      `    description: ${name} of ${service}.`,
      `    objective: ${objective}`,
      `    window: ${window}`,
      '    sli:',
      '      ratio:',
      `        errorQuery: sum(rate(requests_total{job="${service}",code=~"5.."}[{{.window}}]))`,
      `        totalQuery: sum(rate(requests_total{job="${service}"}[{{.window}}]))`,
      '    alerting:',
      `      runbookUrl: ${RUNBOOK}`,
    ]),
    '',
  ].join('\n');
}

let dir: string;
let slos: string;

beforeAll(() => {
  // given a spec directory with the Workbook's example SLO, a 7-day SLO, a shared bare name and a Sloth spec
  dir = mkdtempSync(join(tmpdir(), 'slo-explain-'));
  slos = join(dir, 'slos');
  mkdirSync(slos);
  writeFileSync(
    join(slos, 'checkout.yaml'),
    nativeSpec('checkout', [
      ['availability', 99.9, '30d'],
      ['weekly', 99, '7d'],
    ]),
  );
  writeFileSync(join(slos, 'search.yaml'), nativeSpec('search', [['availability', 99.5, '28d']]));
  writeFileSync(join(slos, 'payments.yml'), readSloth('specs/payments.yml'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function explainJson(ref: string): Promise<Explanation> {
  const { code, out, err } = await run('explain', ref, '--slos', slos, '--json');
  expect({ code, err }).toEqual({ code: 0, err: '' });
  return JSON.parse(out) as Explanation;
}

describe('slo explain', () => {
  test('for 99.9 % over 30 days the numbers are the workbook worked examples', async () => {
    // when
    const e = await explainJson('checkout/availability');
    // then: the budget is 0.1 % of events, 43 m 12 s of full outage in 30 days
    expect(e.errorBudget).toEqual({ ratio: 0.001, fullOutageSeconds: 2592 });
    // and, hand-worked: threshold = factor × 0.001; full outage caught after threshold × long window;
    // a burn just above the factor after the long window; reset after (1 − threshold) × short window
    expect(
      e.alerts.map((a) => [
        a.kind,
        a.longWindow,
        a.shortWindow,
        a.burnRateFactor,
        a.budgetShare,
        a.errorRatioThreshold,
        a.fullOutageDetectionSeconds,
        a.detectionAtFactorSeconds,
        a.budgetSpentAtDetection,
        a.resetSeconds,
      ]),
    ).toEqual([
      ['page', '1h', '5m', 14.4, 0.02, 0.0144, 51.84, 3600, 0.02, 295.68],
      ['page', '6h', '30m', 6, 0.05, 0.006, 129.6, 21600, 0.05, 1789.2],
      // the 3d window is summed from recorded 5m rates: it sees an outage (5m − 1m) / 2 = 120 s late
      ['ticket', '3d', '6h', 1, 0.1, 0.001, 259.2 + 120, 259200 + 120, Number(((259.2 + 120) / 2592).toPrecision(12)), 21578.4],
    ]);
  });

  test('a 7-day SLO keeps the factors, so detection times scale with its larger budget ratio', async () => {
    // when
    const e = await explainJson('weekly');
    // then: 1 % of 7 days is 6048 s; 14.4 × 0.01 × 3600 s = 518.4 s
    expect(e.errorBudget).toEqual({ ratio: 0.01, fullOutageSeconds: 6048 });
    expect(e.alerts.map((a) => [a.burnRateFactor, a.fullOutageDetectionSeconds])).toEqual([
      [14.4, 518.4],
      [6, 1296],
      [1, 2592 + 120],
    ]);
  });

  test("a sloth spec is explained with sloth's four windows", async () => {
    // when
    const e = await explainJson('payments/charge-availability');
    // then: the extra 1 d / 2 h ticket window burns 10 % of the budget at 3×, catching an outage in 3 × 0.001 × 86400 s
    expect(e.alerts.map((a) => [a.kind, a.longWindow, a.shortWindow, a.burnRateFactor, a.fullOutageDetectionSeconds])).toEqual([
      ['page', '1h', '5m', 14.4, 51.84],
      ['page', '6h', '30m', 6, 129.6],
      ['ticket', '1d', '2h', 3, 259.2 + 120],
      ['ticket', '3d', '6h', 1, 259.2 + 120],
    ]);
    expect(e.budgetConsumed.thresholdsPercent).toEqual([]);
  });

  test('the text output reads as sentences with exact and human durations', async () => {
    // when
    const { code, out } = await run('explain', 'checkout/availability', '--slos', slos);
    // then
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
"checkout/availability: 99.9 % of events good over a rolling 30d
  availability of checkout.

error budget: 0.1 % of events, or 43m 12s of full outage per 30d

page alert (severity page): 1h long window, 5m short window
  burn-rate factor 14.4×: 2 % of the budget spent in 1h
  fires when the error ratio over both windows is above 1.44 %
  full outage caught after 51.84s, having spent 2 % of the budget
  a burn just above 14.4× caught after 1h (when the long window fills)
  resets 295.68s (4m 56s) after recovery (the short window drops below the threshold)

page alert (severity page): 6h long window, 30m short window
  burn-rate factor 6×: 5 % of the budget spent in 6h
  fires when the error ratio over both windows is above 0.6 %
  full outage caught after 129.6s (2m 10s), having spent 5 % of the budget
  a burn just above 6× caught after 6h (when the long window fills)
  resets 1789.2s (29m 49s) after recovery (the short window drops below the threshold)

ticket alert (severity warning): 3d long window, 6h short window
  burn-rate factor 1×: 10 % of the budget spent in 3d
  fires when the error ratio over both windows is above 0.1 %
  full outage caught after 379.2s (6m 19s), having spent 14.63 % of the budget
  a burn just above 1× caught after 3d 2m (when the long window fills)
  resets 21578.4s (5h 59m 38s) after recovery (the short window drops below the threshold)

budget consumed alerts (severity info): at 50 %, 75 %, 90 % of the 30d budget

alert timing, evaluating every 1m (a server fires or resolves within 1m after each time below):
  background: 0.01 % of events failing (0.1× the budget; default); outage: 1h (default)

page: CheckoutAvailabilityBudgetBurn{slo_alert="page"} (severity page)
  fires 51.84s into a full outage after a healthy history (1h/5m governs: it fires first); 51.4851s after one at the background (1h/5m governs: it fires first)
  resolves 1789.38s (29m 49s) after a 1h outage ends (6h/30m governs: it clears last)
    1h/5m: holds after 51.84s (healthy), 51.4851s (background); clears 295.71s (4m 56s) after it
    6h/30m: holds after 129.6s (2m 10s) (healthy), 127.453s (2m 7s) (background); clears 1789.38s (29m 49s) after it

ticket: CheckoutAvailabilityBudgetBurn{slo_alert="ticket"} (severity warning, keep_firing_for 1h)
  fires 379.2s (6m 19s) into a full outage after a healthy history; 353.303s (5m 53s) after one at the background
  resolves 25180.6s (6h 59m 41s) after a 1h outage ends

budget: CheckoutAvailabilityBudgetConsumed{budget_consumed_percent="50"} (severity info)
  fires 23m 36s into a full outage after a healthy history; 1156.9s (19m 17s) after one at the background
  resolves 2591080s (29d 23h 44m 43s) after a 1h outage ends

budget: CheckoutAvailabilityBudgetConsumed{budget_consumed_percent="75"} (severity info)
  fires 34m 24s into a full outage after a healthy history; 1804.97s (30m 5s) after one at the background
  resolves 2590440s (29d 23h 33m 55s) after a 1h outage ends

budget: CheckoutAvailabilityBudgetConsumed{budget_consumed_percent="90"} (severity info)
  fires 2452.8s (40m 53s) into a full outage after a healthy history; 2193.81s (36m 34s) after one at the background
  resolves 2590050s (29d 23h 27m 26s) after a 1h outage ends

no-data: CheckoutAvailabilityNoData (severity warning, for 5m)
  the outage here is silence: the SLI's events stop (or its series vanish); the window empties after 5m and the hold is as long again; it resolves once two samples are back in the window
  fires 10m into a full outage after a healthy history; 10m after one at the background
  resolves 0s after a 1h outage ends
"
`);
  });

  test.each([
    [['explain', 'checkout/availabilty'], 1, 'slo explain: unknown slo "checkout/availabilty"; did you mean: checkout/availability?'],
    [
      ['explain', 'availability'],
      1,
      'slo explain: "availability" is the name of 2 slos; say which: checkout/availability, search/availability',
    ],
    [
      ['explain', 'nothing-like-it'],
      1,
      'slo explain: unknown slo "nothing-like-it"; known slos: checkout/availability, checkout/weekly, payments/charge-availability, search/availability',
    ],
    [['explain'], 2, 'slo explain: NAME is required: an SLO as service/name or a unique bare name'],
    [['explain', 'a', 'b'], 2, 'slo explain: unexpected argument "b"'],
    [['explain', 'weekly', '--yaml'], 2, expect.stringMatching(/^slo explain: Unknown option '--yaml'/)],
  ])('rejects %p with exit %p', async (argv, exit, message) => {
    // when
    const { code, out, err } = await run(...argv, '--slos', slos);
    // then
    expect(code).toBe(exit);
    expect(out).toBe('');
    expect(err.trim()).toEqual(message);
  });

  test('with expected events per hour, shows the fewest bad events that fire each alert', async () => {
    // given a low-traffic SLO: 120 events an hour, 99 % over 30 days
    const own = join(dir, 'low-traffic');
    mkdirSync(own);
    const spec = nativeSpec('probes', [['availability', 99, '30d']]).replace('    sli:\n', '    sli:\n      expectedEventsPerHour: 120\n');
    writeFileSync(join(own, 'probes.yaml'), spec);
    // when
    const { code, out } = await run('explain', 'probes/availability', '--slos', own, '--json');
    const text = await run('explain', 'probes/availability', '--slos', own);
    // then: k bad events reach each threshold and k − 1 do not
    expect(code).toBe(0);
    const e = JSON.parse(out) as Explanation;
    expect(e.expectedEventsPerHour).toBe(120);
    for (const a of e.alerts) {
      const events = (120 * a.longWindowSeconds) / 3600;
      expect(a.badEventsToFire).toBeGreaterThanOrEqual(1);
      expect(a.badEventsToFire! / events).toBeGreaterThanOrEqual(a.errorRatioThreshold * (1 - 1e-12));
      expect((a.badEventsToFire! - 1) / events).toBeLessThan(a.errorRatioThreshold);
      const verb = a.kind === 'page' ? 'page' : 'fire it';
      expect(text.out).toContain(`at 120 events an hour, ${a.badEventsToFire} bad events in ${a.longWindow} ${verb}`);
    }
  });

  test('without expected events per hour, shows no bad-event counts', async () => {
    // when
    const e = await explainJson('checkout/availability');
    // then
    expect(e.expectedEventsPerHour).toBeNull();
    expect(e.alerts.map((a) => a.badEventsToFire)).toEqual(e.alerts.map(() => null));
  });

  test('times every alert of the slo, naming the branch that fires first and the one that clears last', async () => {
    // when: the case, a 50-minute outage, after a healthy history
    const { code, out, err } = await run(
      'explain',
      'checkout/availability',
      '--slos',
      slos,
      '--json',
      '--outage',
      '50m',
      '--background',
      '0%',
    );
    // then
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const e = JSON.parse(out) as Explanation;
    expect(e.assumptions).toEqual({
      evaluationIntervalSeconds: 60,
      backgroundErrorRatio: 0,
      backgroundBurnRate: 0,
      outageSeconds: 3000,
      defaults: { background: false, outage: false },
    });
    expect(e.alertRules.map((a) => [a.kind, a.alert, a.labels])).toEqual([
      ['page', 'CheckoutAvailabilityBudgetBurn', { slo_alert: 'page' }],
      ['ticket', 'CheckoutAvailabilityBudgetBurn', { slo_alert: 'ticket' }],
      ['budget', 'CheckoutAvailabilityBudgetConsumed', { budget_consumed_percent: '50' }],
      ['budget', 'CheckoutAvailabilityBudgetConsumed', { budget_consumed_percent: '75' }],
      ['budget', 'CheckoutAvailabilityBudgetConsumed', { budget_consumed_percent: '90' }],
      ['no-data', 'CheckoutAvailabilityNoData', {}],
    ]);
    // and the page: 1h/5m fires first (the same as the per-window detection), 6h/30m clears last
    const page = e.alertRules[0]!;
    const [fast, slow] = e.alerts;
    expect(page.detection).toMatchObject({ healthySeconds: fast!.fullOutageDetectionSeconds, governingBranch: '1h/5m' });
    expect(page.reset).toEqual({ afterOutageSeconds: slow!.resetSeconds, governingBranch: '6h/30m' });
    expect(page.branches.map((b) => b.branch)).toEqual(['1h/5m', '6h/30m']);
    // and the ticket keeps firing for an hour after its own reset
    const ticket = e.alertRules[1]!;
    expect(ticket.keepFiringForSeconds).toBe(3600);
    expect(ticket.reset.afterOutageSeconds).toBe(e.alerts[2]!.resetSeconds + ticket.keepFiringForSeconds);
    // and the budget alerts: half the budget is spent after half its full-outage time (1296 s, 1944 s,
    // 2332.8 s of 2592 s), seen (5m − 1m) / 2 = 120 s later, since the 30d window is summed from 5m rates
    expect(e.alertRules.slice(2, 5).map((a) => a.detection.healthySeconds)).toEqual(
      [0.5, 0.75, 0.9].map((p) => p * e.errorBudget.fullOutageSeconds + 120),
    );
    expect(e.alertRules.slice(2, 5).every((a) => a.reset.afterOutageSeconds! > 29 * 86400)).toBe(true);
  });

  test('a background error ratio makes every alert fire sooner, and is stated', async () => {
    // given
    const healthy = await run('explain', 'checkout/availability', '--slos', slos, '--json', '--background', '0%');
    const busy = await run('explain', 'checkout/availability', '--slos', slos, '--json', '--background', '0.5x');
    const asPercent = await run('explain', 'checkout/availability', '--slos', slos, '--json', '--background', '0.05%');
    // when
    const [h, b, p] = [healthy, busy, asPercent].map((r) => JSON.parse(r.out) as Explanation);
    // then: half the 0.1 % budget is 0.05 % of events, either way it is written
    expect(b!.assumptions.backgroundErrorRatio).toBe(0.0005);
    expect(p!.alertRules).toEqual(b!.alertRules);
    for (const [i, a] of b!.alertRules.entries()) {
      if (a.kind === 'no-data') continue;
      expect(a.detection.atBackgroundSeconds!).toBeLessThan(h!.alertRules[i]!.detection.atBackgroundSeconds!);
    }
    // and the text says what it assumed
    const text = await run('explain', 'checkout/availability', '--slos', slos, '--background', '0.5x');
    expect(text.out).toContain('background: 0.05 % of events failing (0.5× the budget); outage: 1h (default)');
  });

  test.each([
    [
      ['--background', '0.2'],
      'slo explain: --background must be a percentage of events such as 0.2% or a share of the error budget such as 0.1x, below 100 %; got "0.2"',
    ],
    [
      ['--background', '100%'],
      'slo explain: --background must be a percentage of events such as 0.2% or a share of the error budget such as 0.1x, below 100 %; got "100%"',
    ],
    [['--outage', 'long'], 'slo explain: --outage must be a duration such as 50m or 2h; got "long"'],
  ])('rejects %p with exit 2', async (flags, message) => {
    // when
    const { code, out, err } = await run('explain', 'checkout/availability', '--slos', slos, ...flags);
    // then
    expect({ code, out, err: err.trim() }).toEqual({ code: 2, out: '', err: message });
  });

  test('fails with the spec problems when the specs are invalid', async () => {
    // given a directory with a broken spec
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'x.yaml'), 'apiVersion: slo-platform/v1\nkind: ServiceLevelObjectives\n');
    // when
    const { code, err } = await run('explain', 'x', '--slos', bad);
    // then
    expect(code).toBe(1);
    expect(err).toMatch(/x\.yaml:\d+:\d+: missing required field/);
  });
});
