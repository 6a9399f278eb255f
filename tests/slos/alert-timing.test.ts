import {
  alertTiming,
  branchDetectionSeconds,
  branchResetSeconds,
  burnBranch,
  burnWindowsLagSeconds,
  isSummedSloWindow,
  outageShareToHold,
  summedWindowLagSeconds,
  ticketKeepFiringForSeconds,
  TICKET_KEEP_FIRING_FOR_SECONDS,
} from '../../slos/alert-timing';
import { burnWindows } from '../../slos/burn-rate';

/** The Workbook's 99.9 % page branches: 14.4× over 1h/5m and 6× over 6h/30m. */
const fast = {
  name: '1h/5m',
  windows: [
    { windowSeconds: 3600, errorRatioThreshold: 0.0144 },
    { windowSeconds: 300, errorRatioThreshold: 0.0144 },
  ],
};
const slow = {
  name: '6h/30m',
  windows: [
    { windowSeconds: 21600, errorRatioThreshold: 0.006 },
    { windowSeconds: 1800, errorRatioThreshold: 0.006 },
  ],
};
const noHold = { evaluationIntervalSeconds: 60, forSeconds: 0, keepFiringForSeconds: 0 };

describe('alert timing', () => {
  test.each([
    // [background, share of the window the outage must fill]
    [0, 0.0144],
    [0.0044, 0.01 / 0.9956],
    [0.0144, 0],
    [0.02, -0.0056 / 0.98],
  ])('with a background of %p a window holds once the outage fills %p of it', (background, share) => {
    // when / then: (threshold − background) / (1 − background)
    expect(outageShareToHold(fast.windows[0]!, background)).toBeCloseTo(share, 12);
  });

  test('a branch holds once its long window holds: threshold × long window after a healthy history', () => {
    // when / then: 0.0144 × 3600 s, hand-worked
    expect(branchDetectionSeconds(fast)).toBe(51.84);
    // and a background makes it sooner: (0.0144 − 0.001) / 0.999 × 3600 s
    expect(branchDetectionSeconds(fast, 0.001)).toBeCloseTo((0.0134 / 0.999) * 3600, 9);
  });

  test('a branch clears when its first window falls to its threshold: the short window, (1 − threshold) × it', () => {
    // when / then: 300 × (1 − 0.0144) and 1800 × (1 − 0.006), hand-worked
    expect(branchResetSeconds(fast, 3600)).toBe(295.68);
    expect(branchResetSeconds(slow, 3000)).toBe(1789.2);
  });

  test('an outage shorter than the detection time leaves nothing to reset', () => {
    // when / then: the 6h/30m branch needs 129.6 s of full outage
    expect(branchResetSeconds(slow, 120)).toBeNull();
    expect(branchResetSeconds(slow, 130)).toBe(1789.2);
  });

  test('a background above a threshold holds the branch from the start and it never clears', () => {
    // given a background at twice the 6h/30m threshold
    const t = alertTiming([slow], noHold, { backgroundErrorRatio: 0.012, outageSeconds: 3600 });
    // then
    expect(t.detection.atBackgroundSeconds).toBe(0);
    expect(t.reset).toEqual({ afterOutageSeconds: null, governingBranch: null });
  });

  test('the branch that fires first governs detection, the one that clears last governs the reset', () => {
    // when: a 50-minute outage after a healthy history
    const t = alertTiming([fast, slow], noHold, { backgroundErrorRatio: 0, outageSeconds: 3000 });
    // then: 1h/5m fires first (51.84 s < 129.6 s), 6h/30m clears last (1789.2 s > 295.68 s)
    expect(t.detection).toMatchObject({ healthySeconds: 51.84, governingBranch: '1h/5m' });
    expect(t.reset).toEqual({ afterOutageSeconds: 1789.2, governingBranch: '6h/30m' });
  });

  test('a hold delays firing and keep_firing_for delays resolving, each by its own length', () => {
    // given
    const plain = alertTiming([fast, slow], noHold, { backgroundErrorRatio: 0, outageSeconds: 3000 });
    // when
    const held = alertTiming(
      [fast, slow],
      { ...noHold, forSeconds: 120, keepFiringForSeconds: 600 },
      { backgroundErrorRatio: 0, outageSeconds: 3000 },
    );
    // then
    expect(held.detection.healthySeconds).toBe(plain.detection.healthySeconds! + 120);
    expect(held.reset.afterOutageSeconds).toBe(plain.reset.afterOutageSeconds! + 600);
  });

  test('an alert whose hold outlasts the outage never fires for it', () => {
    // when: 51.84 s to hold, plus a 5-minute hold, against a 5-minute outage
    const t = alertTiming([fast], { ...noHold, forSeconds: 300 }, { backgroundErrorRatio: 0, outageSeconds: 300 });
    // then
    expect(t.reset.afterOutageSeconds).toBeNull();
  });

  test('a ticket keeps firing for the stated hour; a page for nothing', () => {
    // when / then
    expect(ticketKeepFiringForSeconds([{ kind: 'ticket' }, { kind: 'ticket' }])).toBe(TICKET_KEEP_FIRING_FOR_SECONDS);
    expect(ticketKeepFiringForSeconds([{ kind: 'page' }])).toBe(0);
  });

  test.each([
    // [evaluation interval, lag]: (5m − interval) / 2, none once the interval reaches the 5m base window
    [15, 142.5],
    [60, 120],
    [300, 0],
    [600, 0],
  ])('a window summed from recorded 5m rates at a %p s interval sees a step %p s late', (interval, lag) => {
    // when / then
    expect(summedWindowLagSeconds(interval)).toBe(lag);
  });

  test('windows of a day or more are summed for ratio and latency SLIs, never for a raw error ratio', () => {
    // when / then: only the SLI's kind decides
    expect(isSummedSloWindow({ sli: { kind: 'ratio' } }, 86400)).toBe(true);
    expect(isSummedSloWindow({ sli: { kind: 'latency' } }, 86400)).toBe(true);
    expect(isSummedSloWindow({ sli: { kind: 'ratio' } }, 21600)).toBe(false);
    expect(isSummedSloWindow({ sli: { kind: 'raw' } }, 259200)).toBe(false);
  });

  test("a summed window's lag moves its detection and its reset, and the branch's, by the lag", () => {
    // given the Workbook's 3d/6h ticket at 99.9 %, for a ratio SLI (3d summed) and a raw one (nothing summed)
    const ticket = burnWindows(99.9, 30 * 86400, { page: 'page', ticket: 'warning' }).find((w) => w.kind === 'ticket')!;
    const ratio = { sli: { kind: 'ratio', errorQuery: 'e', totalQuery: 't' } } as const;
    const raw = { sli: { kind: 'raw', errorRatioQuery: 'r' } } as const;
    const summed = burnBranch(ratio, ticket, 60);
    const plain = burnBranch(raw, ticket, 60);
    // then: the 3d window lags by 120 s, the 6h short window not at all
    expect(summed.windows.map((w) => w.lagSeconds ?? 0)).toEqual([120, 0]);
    expect(plain.windows.map((w) => w.lagSeconds ?? 0)).toEqual([0, 0]);
    expect(burnWindowsLagSeconds({ ...ratio, alerting: { windows: [ticket] } }, 60)).toBe(120);
    // and detection (the 3d window governs: 0.001 × 3d = 259.2 s) comes 120 s later
    expect(branchDetectionSeconds(plain)).toBe(259.2);
    expect(branchDetectionSeconds(summed)).toBe(379.2);
    // and the reset is the 6h window's either way, which does not lag
    expect(branchResetSeconds(summed, 3600)).toBe(branchResetSeconds(plain, 3600));
  });

  test('a lagging window resets its lag later, and holds for an outage only as long as without the lag', () => {
    // given the 50 % budget branch of a 30d SLO at 99.9 %: 1296 s of full outage, summed (lag 120 s)
    const budget = (lagSeconds: number) => ({
      name: '50 %',
      windows: [{ windowSeconds: 30 * 86400, errorRatioThreshold: 0.0005, lagSeconds }],
    });
    // when / then: detection and reset move by the lag
    expect(branchDetectionSeconds(budget(120))).toBe(branchDetectionSeconds(budget(0)) + 120);
    expect(branchResetSeconds(budget(120), 3600)).toBe(branchResetSeconds(budget(0), 3600)! + 120);
    // and an outage just past 1296 s holds it (late), one just short of it does not
    expect(branchResetSeconds(budget(120), 1300)).not.toBeNull();
    expect(branchResetSeconds(budget(120), 1290)).toBeNull();
  });
});
