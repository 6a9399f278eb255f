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
      ['ticket', '3d', '6h', 1, 0.1, 0.001, 259.2, 259200, 0.1, 21578.4],
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
      [1, 2592],
    ]);
  });

  test("a sloth spec is explained with sloth's four windows", async () => {
    // when
    const e = await explainJson('payments/charge-availability');
    // then: the extra 1 d / 2 h ticket window burns 10 % of the budget at 3×, catching an outage in 3 × 0.001 × 86400 s
    expect(e.alerts.map((a) => [a.kind, a.longWindow, a.shortWindow, a.burnRateFactor, a.fullOutageDetectionSeconds])).toEqual([
      ['page', '1h', '5m', 14.4, 51.84],
      ['page', '6h', '30m', 6, 129.6],
      ['ticket', '1d', '2h', 3, 259.2],
      ['ticket', '3d', '6h', 1, 259.2],
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
       full outage caught after 259.2s (4m 19s), having spent 10 % of the budget
       a burn just above 1× caught after 3d (when the long window fills)
       resets 21578.4s (5h 59m 38s) after recovery (the short window drops below the threshold)

     budget consumed alerts (severity info): at 50 %, 75 %, 90 % of the 30d budget
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
