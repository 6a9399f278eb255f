import {
  badEventsToFire,
  burnWindows,
  noDataSeconds,
  fullOutageDetectionSeconds,
  oneEventErrorRatio,
  resetSeconds,
  WORKBOOK_WINDOWS,
} from '../../slos/burn-rate';

const sev = { page: 'page', ticket: 'warning' } as const;
const DAY = 86400;

describe('burn-rate arithmetic', () => {
  test.each([
    // objective, period, expected factors (Workbook table for 30 days; 7 and 28 days keep the factors by scaling the share)
    [99.9, 30 * DAY, [14.4, 6, 1]],
    [99, 7 * DAY, [14.4, 6, 1]],
    [95, 28 * DAY, [14.4, 6, 1]],
  ])('objective %p over %p s gives factors %p', (objective, period, factors) => {
    // when
    const windows = burnWindows(objective, period, sev);
    // then
    expect(windows.map((w) => w.factor)).toEqual(factors);
    expect(windows.map((w) => [w.longWindow, w.shortWindow])).toEqual([
      ['1h', '5m'],
      ['6h', '30m'],
      ['3d', '6h'],
    ]);
  });

  test('the budget share is the workbook share for 30 days and scales with the period', () => {
    expect(burnWindows(99.9, 30 * DAY, sev).map((w) => w.budgetShare)).toEqual([0.02, 0.05, 0.1]);
    const seven = burnWindows(99, 7 * DAY, sev).map((w) => w.budgetShare);
    expect(seven[0]).toBeCloseTo((0.02 * 30) / 7, 10);
    expect(seven[2]).toBeCloseTo((0.1 * 30) / 7, 10);
  });

  test('a full outage on 99.9 %/30 d is caught by the 14.4x alert in about 52 s of the long window', () => {
    // given the Workbook's worked example
    const fast = burnWindows(99.9, 30 * DAY, sev)[0]!;
    // then: 14.4 × 0.001 × 3600 s = 51.84 s
    expect(fast.errorRatioThreshold).toBeCloseTo(0.0144, 12);
    expect(fullOutageDetectionSeconds(fast)).toBeCloseTo(51.84, 6);
    // and it resets once the 5 m short window drops below the threshold
    expect(resetSeconds(fast)).toBeCloseTo(300 * (1 - 0.0144), 6);
  });

  test('the window table is the workbook table', () => {
    expect(WORKBOOK_WINDOWS.map((w) => [w.kind, w.budgetShareOfReference, w.longWindowSeconds, w.shortWindowSeconds])).toEqual([
      ['page', 0.02, 3600, 300],
      ['page', 0.05, 21600, 1800],
      ['ticket', 0.1, 259200, 21600],
    ]);
  });
});

describe('badEventsToFire', () => {
  test.each([
    [36, 99.9],
    [36, 99],
    [120, 99.5],
    [1000, 99.9],
  ])('at %p events an hour and a %p %% objective, the count reaches each threshold and one fewer does not', (perHour, objective) => {
    // given
    for (const w of burnWindows(objective, 30 * 86400, { page: 'page', ticket: 'warning' })) {
      // when
      const k = badEventsToFire(w, perHour);
      const events = (perHour * w.longWindowSeconds) / 3600;
      // then
      expect(k).toBeGreaterThanOrEqual(1);
      expect(k / events).toBeGreaterThanOrEqual(w.errorRatioThreshold * (1 - 1e-12));
      if (k > 1) expect((k - 1) / events).toBeLessThan(w.errorRatioThreshold);
      expect(oneEventErrorRatio(w, perHour)).toBeCloseTo(1 / events, 12);
    }
  });

  test('is infinite when the threshold is 100 % or more (the alert can never fire)', () => {
    // when / then
    expect(badEventsToFire({ errorRatioThreshold: 1, longWindowSeconds: 3600 }, 36)).toBe(Infinity);
  });
});

describe('noDataSeconds', () => {
  test('is the shortest short window of the enabled alerts, or the fallback when none is enabled', () => {
    // given
    const windows = burnWindows(99.9, 30 * 86400, { page: 'page', ticket: 'warning' });
    const tickets = windows.filter((w) => w.kind === 'ticket');
    // when / then
    expect(noDataSeconds(windows, 1)).toBe(Math.min(...windows.map((w) => w.shortWindowSeconds)));
    expect(noDataSeconds(tickets, 1)).toBe(tickets[0]!.shortWindowSeconds);
    expect(noDataSeconds([], 7 * 86400)).toBe(7 * 86400);
  });
});
