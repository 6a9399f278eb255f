/**
 * When an alert fires and when it resolves, in Prometheus' own terms: every alert condition here
 * is "an error ratio over a window is above a threshold" (a burn-rate branch ANDs two of them, an
 * alert ORs its branches), evaluated every evaluation interval, held for `for` before firing and
 * kept firing for `keep_firing_for` after the condition clears.
 *
 * The ratio over a window W of a steady stream of events is the event-weighted share of bad events
 * in (t − W, t] (what `rate(bad[W]) / rate(total[W])` computes, up to scrape granularity). A step of
 * the error ratio from a background `b` to `r` therefore moves the window's ratio linearly, from
 * `b` to `r`, over W; superposing two steps gives an outage of length D. All times are continuous
 * (seconds after the step, or after the outage ends); Prometheus acts on the first evaluation at
 * or after that time, so a real server (and a promtool scenario) fires or resolves within one
 * evaluation interval after the time computed here, never before it.
 *
 * A window summed from recorded base rates (the 3 d ticket window and the SLO window of an SLI with
 * a separable total, see `summedWindowLagSeconds`) sees every change its lag later: detection and
 * reset of such a window move by that lag, here and nowhere else.
 *
 * One function set, used by `slo explain`, the generated promtool scenarios, the peer comparison
 * and the platform layer's symptom alerts, so the times they state and the times they check are
 * the same numbers.
 */
import { BASE_RATE_WINDOW_SECONDS, isSummedWindow, roundSignificant, type BurnWindow } from './burn-rate';
import { budgetAlertName, LABEL, noDataAlertName } from './conventions';
import { parseDuration } from './duration';
import { recordsBaseRates, type PromSli, type Slo } from './model';

/** One window of a condition: the error ratio over `windowSeconds` is above `errorRatioThreshold`. */
export interface RatioWindow {
  readonly windowSeconds: number;
  readonly errorRatioThreshold: number;
  /**
   * How much later the window sees a change of the error ratio than a rate over raw samples would.
   *
   * @default 0 — the window is read from raw samples
   */
  readonly lagSeconds?: number;
}

/**
 * How much later a window summed from recorded base rates sees a step change in the error ratio
 * than a rate over raw samples would. Each recorded rate averages the base window (5 m) behind its
 * evaluation, so after a step the j-th evaluation records j × interval / base of it, and the sum
 * misses (base − interval) / 2 seconds of the change: 120 s at the 1 m default interval, 0 at an
 * interval of 5 m or more. (Exactly, the sum's range also holds (base − interval) / interval
 * fewer samples than the window has intervals, which makes the window fill θ × (base − interval)
 * seconds sooner: 0.24 s for a 0.1 % threshold. The lag is the bound, and what the tests hold.)
 */
export function summedWindowLagSeconds(evaluationIntervalSeconds: number): number {
  return Math.max(0, (BASE_RATE_WINDOW_SECONDS - evaluationIntervalSeconds) / 2);
}

/** What the timing of an SLO's windows reads of its SLI: only its kind (whether it records base rates). */
export type SliKindOf = { readonly sli: Pick<PromSli, 'kind'> };

/**
 * True when an SLO's rules sum its error ratio over a window of `windowSeconds` from the recorded
 * base rates: a window of a day or more (`isSummedWindow`) of an SLI with a separable total
 * (`recordsBaseRates`).
 */
export function isSummedSloWindow(slo: SliKindOf, windowSeconds: number): boolean {
  return recordsBaseRates(slo.sli) && isSummedWindow(windowSeconds);
}

/** The lag of an SLO's window of `windowSeconds` (`summedWindowLagSeconds` when it is summed, else 0). */
export function windowLagSeconds(slo: SliKindOf, windowSeconds: number, evaluationIntervalSeconds: number): number {
  return isSummedSloWindow(slo, windowSeconds) ? summedWindowLagSeconds(evaluationIntervalSeconds) : 0;
}

/**
 * The longest lag among an SLO's burn-rate windows at this interval: how much later than the same
 * windows over raw samples (Sloth's shape, say) its page or ticket may fire and resolve.
 */
export function burnWindowsLagSeconds(
  slo: SliKindOf & { readonly alerting: Pick<Slo['alerting'], 'windows'> },
  evaluationIntervalSeconds: number,
): number {
  const windows = slo.alerting.windows.flatMap((w) => [w.longWindowSeconds, w.shortWindowSeconds]);
  return Math.max(0, ...windows.map((seconds) => windowLagSeconds(slo, seconds, evaluationIntervalSeconds)));
}

/** The branch of one burn-rate window pair of an SLO (`3d/6h`): both windows at its threshold, each with its lag. */
export function burnBranch(
  slo: SliKindOf,
  w: Pick<BurnWindow, 'longWindow' | 'shortWindow' | 'longWindowSeconds' | 'shortWindowSeconds' | 'errorRatioThreshold'>,
  evaluationIntervalSeconds: number,
): Branch {
  const ratioWindow = (windowSeconds: number): RatioWindow => {
    const lagSeconds = windowLagSeconds(slo, windowSeconds, evaluationIntervalSeconds);
    return { windowSeconds, errorRatioThreshold: w.errorRatioThreshold, ...(lagSeconds > 0 ? { lagSeconds } : {}) };
  };
  return { name: `${w.longWindow}/${w.shortWindow}`, windows: [ratioWindow(w.longWindowSeconds), ratioWindow(w.shortWindowSeconds)] };
}

/**
 * A branch: the AND of its windows (a burn-rate window pair, or a single window). An alert's
 * condition is the OR of its branches.
 */
export interface Branch {
  /** Name of the branch for people: `1h/5m`, `5m`, `50 %`. */
  readonly name: string;
  readonly windows: readonly RatioWindow[];
}

/** What an alert rule adds to its condition: its evaluation interval, hold and keep-firing time. */
export interface RuleTiming {
  /** Seconds between two evaluations of the rule's group. */
  readonly evaluationIntervalSeconds: number;
  /** The rule's `for` in seconds (0: fires on the first evaluation the condition holds). */
  readonly forSeconds: number;
  /** The rule's `keep_firing_for` in seconds (0: resolves on the first evaluation it does not). */
  readonly keepFiringForSeconds: number;
}

/**
 * Share (0–1) of a steady window's events the bad events must reach for `w` to hold, on a
 * background of `background`: `(threshold − background) / (1 − background)` of the window must
 * lie inside the outage. ≤ 0: the background alone holds it; ≥ 1: a full outage never does. For
 * a partial outage at the error ratio `outageErrorRatio` (a burn), `(threshold − background) /
 * (outageErrorRatio − background)`.
 */
export function outageShareToHold(w: RatioWindow, background: number, outageErrorRatio = 1): number {
  if (background >= outageErrorRatio) return w.errorRatioThreshold >= outageErrorRatio ? 1 : 0;
  return (w.errorRatioThreshold - background) / (outageErrorRatio - background);
}

/**
 * Seconds from the start of a full outage (every event failing; or a burn at `outageErrorRatio`),
 * after a steady history at the `background` error ratio, until every window of `branch` is above
 * its threshold, each window's lag included: 0 when the background alone holds the branch,
 * Infinity when the outage never does.
 */
export function branchDetectionSeconds(branch: Branch, background = 0, outageErrorRatio = 1): number {
  let t = 0;
  for (const w of branch.windows) {
    const share = outageShareToHold(w, background, outageErrorRatio);
    if (share >= 1) return Infinity;
    if (share > 0) t = Math.max(t, share * w.windowSeconds + (w.lagSeconds ?? 0));
  }
  return roundSignificant(t);
}

/**
 * Seconds after a full outage of `outageSeconds` ends (the error ratio back at `background`) until
 * `branch` no longer holds: the first of its windows to fall to its threshold, which a window does
 * once no more than its hold share of it lies inside the outage, its lag later. `null` when the
 * branch never held (nothing to reset: no instant at which every window held) or the background
 * alone holds it (it never resets).
 */
export function branchResetSeconds(branch: Branch, outageSeconds: number, background = 0): number | null {
  // each window that needs the outage holds from share × W after the outage starts until
  // W(1 − share) after it ends, both its lag later; the branch held if those spans meet
  let from = 0;
  let clears = Infinity;
  for (const w of branch.windows) {
    const share = outageShareToHold(w, background);
    if (share <= 0) continue;
    if (share * w.windowSeconds >= outageSeconds) return null;
    const lag = w.lagSeconds ?? 0;
    from = Math.max(from, share * w.windowSeconds + lag);
    // the outage's share of the window after τ: min(D, W − τ) / W; it falls to `share` at W(1 − share)
    clears = Math.min(clears, w.windowSeconds * (1 - share) + lag);
  }
  if (!Number.isFinite(clears)) return null;
  return from < outageSeconds + clears ? roundSignificant(clears) : null;
}

/** The times of one branch, as `slo explain` reports them. */
export interface BranchTiming {
  readonly branch: string;
  /** Condition holds this long after a full outage starts after a healthy (error-free) history; `null`: never. */
  readonly detectionHealthySeconds: number | null;
  /** The same after a history at the background error ratio; 0 when the background alone holds it. */
  readonly detectionAtBackgroundSeconds: number | null;
  /** Condition clears this long after the outage ends (back to the background); `null` when it never held or never clears. */
  readonly resetAfterOutageSeconds: number | null;
}

/** The times of one alert rule (the OR of its branches, with its hold and keep-firing time). */
export interface AlertTiming {
  readonly branches: readonly BranchTiming[];
  readonly detection: {
    /** Fires this long after a full outage starts after a healthy history (hold included); `null`: never. */
    readonly healthySeconds: number | null;
    /** The branch that fires first there. */
    readonly governingBranch: string | null;
    /** Fires this long after a full outage starts after a history at the background error ratio. */
    readonly atBackgroundSeconds: number | null;
    /** The branch that fires first there. */
    readonly governingBranchAtBackground: string | null;
  };
  readonly reset: {
    /** Resolves this long after the outage ends (keep-firing time included); `null`: it never fired, or never resolves. */
    readonly afterOutageSeconds: number | null;
    /** The branch that clears last. */
    readonly governingBranch: string | null;
  };
}

/** Assumptions of a timing: the background error ratio and the outage length. */
export interface OutageAssumptions {
  /** Error ratio (0–1) of the history before and after the outage. */
  readonly backgroundErrorRatio: number;
  /** Length of the full outage whose reset is computed, in seconds. */
  readonly outageSeconds: number;
}

/**
 * Detection and reset of an alert whose condition is the OR of `branches`. Detection is the
 * earliest branch plus the hold (`for`); the reset is the latest branch to clear, among those that
 * held during the outage, plus `keep_firing_for`. An alert whose hold is longer than the outage
 * never fires for it, and has nothing to reset.
 */
export function alertTiming(branches: readonly Branch[], rule: RuleTiming, a: OutageAssumptions): AlertTiming {
  const rows = branches.map((b) => ({
    branch: b.name,
    healthy: branchDetectionSeconds(b, 0),
    background: branchDetectionSeconds(b, a.backgroundErrorRatio),
    reset: branchResetSeconds(b, a.outageSeconds, a.backgroundErrorRatio),
  }));
  const first = (key: 'healthy' | 'background') => {
    const best = rows.reduce<(typeof rows)[number] | undefined>(
      (m, r) => (Number.isFinite(r[key]) && (!m || r[key] < m[key]) ? r : m),
      undefined,
    );
    return best ? { seconds: roundSignificant(best[key] + rule.forSeconds), branch: best.branch } : { seconds: null, branch: null };
  };
  const healthy = first('healthy');
  const background = first('background');
  // Only branches that held long enough to fire have something to reset; with a hold, the branch
  // must hold that long before the outage ends (a lagging window may first hold just after it).
  const fired = rows.filter((r) => r.reset !== null && (rule.forSeconds === 0 || r.background + rule.forSeconds < a.outageSeconds));
  const last = fired.reduce<(typeof rows)[number] | undefined>((m, r) => (!m || r.reset! > m.reset! ? r : m), undefined);
  const neverClears = rows.some((r) => r.background === 0 && r.reset === null && Number.isFinite(r.background));
  return {
    branches: rows.map((r) => ({
      branch: r.branch,
      detectionHealthySeconds: Number.isFinite(r.healthy) ? r.healthy : null,
      detectionAtBackgroundSeconds: Number.isFinite(r.background) ? r.background : null,
      resetAfterOutageSeconds: r.reset,
    })),
    detection: {
      healthySeconds: healthy.seconds,
      governingBranch: healthy.branch,
      atBackgroundSeconds: background.seconds,
      governingBranchAtBackground: background.branch,
    },
    reset:
      last && !neverClears
        ? { afterOutageSeconds: roundSignificant(last.reset! + rule.keepFiringForSeconds), governingBranch: last.branch }
        : { afterOutageSeconds: null, governingBranch: null },
  };
}

/**
 * How long a ticket keeps firing after its condition clears (`keep_firing_for`): one hour. At a
 * steady burn right at a ticket's factor both of its ratios sit on the threshold, and each dip —
 * seconds to minutes in a real server, where scrapes and rate() extrapolation jitter the ratio —
 * resolved the ticket and the next evaluation fired it again (67 transitions in 86 minutes at a
 * steady 1× burn). An hour rides out such dips, the hour a page's long window needs as well, and
 * a ticket, being work for the day rather than a wake-up, loses nothing by resolving an hour late;
 * its own short window (6 h) would double its reset for no gain against jitter. Pages keep none:
 * their reset is what the on-call engineer waits for (docs/alerting.md, "No flapping").
 */
export const TICKET_KEEP_FIRING_FOR_SECONDS = 3600;

/** `keep_firing_for` of an alert over `windows` of one kind: {@link TICKET_KEEP_FIRING_FOR_SECONDS} for a ticket, 0 for a page. */
export function ticketKeepFiringForSeconds(windows: readonly { readonly kind: string }[]): number {
  return windows.some((w) => w.kind === 'ticket') ? TICKET_KEEP_FIRING_FOR_SECONDS : 0;
}

/** Kinds of alert rule `slo explain` times. */
export type AlertRuleKind = 'page' | 'ticket' | 'budget' | 'no-data' | 'symptom';

/** One alert (a rule, or one instance of a rule such as one budget threshold), timed. */
export interface TimedAlert extends AlertTiming {
  /** The rule's `alert` name. */
  readonly alert: string;
  readonly kind: AlertRuleKind;
  readonly severity: string;
  /** Labels that tell this alert apart from others of the same name (`slo_alert`, `budget_consumed_percent`, `reason`). */
  readonly labels: Readonly<Record<string, string>>;
  readonly forSeconds: number;
  readonly keepFiringForSeconds: number;
  /** Seconds between evaluations: a server fires or resolves within this much after the computed time. */
  readonly evaluationIntervalSeconds: number;
  /** What "outage" and "detection" mean for this alert when they are not a full outage of the SLI. */
  readonly note?: string;
}

/** Everything a timing assumes. */
export interface TimingOptions extends OutageAssumptions {
  readonly evaluationIntervalSeconds: number;
}

/** Default background error ratio, as a share of the error budget: a service spending a tenth of it. */
export const DEFAULT_BACKGROUND_BURN_RATE = 0.1;
/** Default length of the outage whose reset `slo explain` computes: one hour. */
export const DEFAULT_OUTAGE_SECONDS = 3600;

/**
 * The page or the ticket alert of an SLO over `windows` (its enabled windows of that kind, fast
 * first), timed: what `sloAlertTimings` states for it, from the windows and the SLI's kind alone
 * (the promtool scenarios time the alerts of every SLO of one shape at once).
 */
export function burnAlertTiming(
  slo: SliKindOf,
  kind: 'page' | 'ticket',
  windows: readonly Pick<
    BurnWindow,
    'kind' | 'longWindow' | 'shortWindow' | 'longWindowSeconds' | 'shortWindowSeconds' | 'errorRatioThreshold'
  >[],
  o: TimingOptions,
): RuleTiming & AlertTiming {
  const rule = {
    evaluationIntervalSeconds: o.evaluationIntervalSeconds,
    forSeconds: 0,
    keepFiringForSeconds: kind === 'ticket' ? ticketKeepFiringForSeconds(windows) : 0,
  };
  const branches = windows.map((w) => burnBranch(slo, w, o.evaluationIntervalSeconds));
  return { ...rule, ...alertTiming(branches, rule, o) };
}

/**
 * Every alert an SLO's rules can raise, timed: the page and the ticket (a branch per window
 * pair), one budget alert per threshold (a branch over the SLO window: the remaining budget
 * falls below 1 − p when the SLO window's error ratio rises above p × the budget), and the
 * no-data alert.
 */
export function sloAlertTimings(slo: Slo, o: TimingOptions): TimedAlert[] {
  const out: TimedAlert[] = [];
  for (const kind of ['page', 'ticket'] as const) {
    const windows = slo.alerting.windows.filter((w) => w.kind === kind);
    if (windows.length === 0) continue;
    out.push({
      alert: slo.alerting.name,
      kind,
      severity: windows[0]!.severity,
      labels: { [LABEL.alertKind]: kind },
      ...burnAlertTiming(slo, kind, windows, o),
    });
  }
  const budgetRule = { evaluationIntervalSeconds: o.evaluationIntervalSeconds, forSeconds: 0, keepFiringForSeconds: 0 };
  const budgetLag = windowLagSeconds(slo, slo.windowSeconds, o.evaluationIntervalSeconds);
  for (const percent of slo.alerting.budgetConsumed.thresholdsPercent) {
    const branch = {
      name: `${percent} %`,
      windows: [
        {
          windowSeconds: slo.windowSeconds,
          errorRatioThreshold: roundSignificant((slo.errorBudget * percent) / 100),
          ...(budgetLag > 0 ? { lagSeconds: budgetLag } : {}),
        },
      ],
    };
    out.push({
      alert: budgetAlertName(slo.alerting.name),
      kind: 'budget',
      severity: slo.alerting.budgetConsumed.severity,
      labels: { [LABEL.budgetPercent]: String(percent) },
      ...budgetRule,
      ...alertTiming([branch], budgetRule, o),
    });
  }
  const noData = slo.alerting.noData;
  if (noData) {
    const window = parseDuration(noData.window);
    const fires = 2 * window;
    out.push({
      alert: noDataAlertName(slo.alerting.name),
      kind: 'no-data',
      severity: noData.severity,
      labels: {},
      evaluationIntervalSeconds: o.evaluationIntervalSeconds,
      forSeconds: window,
      keepFiringForSeconds: 0,
      branches: [
        {
          branch: noData.window,
          detectionHealthySeconds: window,
          detectionAtBackgroundSeconds: window,
          resetAfterOutageSeconds: o.outageSeconds > fires ? 0 : null,
        },
      ],
      detection: {
        healthySeconds: fires,
        governingBranch: noData.window,
        atBackgroundSeconds: fires,
        governingBranchAtBackground: noData.window,
      },
      reset:
        o.outageSeconds > fires
          ? { afterOutageSeconds: 0, governingBranch: noData.window }
          : { afterOutageSeconds: null, governingBranch: null },
      note: `the outage here is silence: the SLI's events stop (or its series vanish); the window empties after ${noData.window} and the hold is as long again; it resolves once two samples are back in the window`,
    });
  }
  return out;
}
