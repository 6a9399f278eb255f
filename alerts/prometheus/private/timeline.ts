/**
 * Error-ratio timelines of the generated promtool scenarios, and the arithmetic that predicts what
 * the recording rules compute from them. Prometheus' rate() over counters sampled every Δ seconds
 * gives, at a sample time t, the event-weighted average error ratio over (t − w, t] (or (0, t]
 * before a full window of data exists). With segment boundaries on multiples of Δ that is the
 * continuous average computed here, so expectations are exact, not approximations.
 */

/** From `startSeconds` on (until the next segment), events fail at `ratio`. */
export interface Segment {
  readonly startSeconds: number;
  readonly ratio: number;
}

/** Piecewise-constant error ratio, starting at 0 s; segments sorted by start. */
export type Timeline = readonly Segment[];

/** A timeline from consecutive (duration, ratio) pieces; the last piece lasts forever. */
export function timeline(...pieces: ReadonlyArray<readonly [durationSeconds: number, ratio: number]>): Timeline {
  const out: Segment[] = [];
  let t = 0;
  for (const [duration, ratio] of pieces) {
    out.push({ startSeconds: t, ratio });
    t += duration;
  }
  return out;
}

/** Error ratio just after `t` (the ratio of the sample interval starting at t). */
export function ratioAfter(tl: Timeline, t: number): number {
  let r = tl[0]!.ratio;
  for (const s of tl) if (s.startSeconds <= t) r = s.ratio;
  return r;
}

/** Average error ratio over [max(0, t − w), t]; the first ratio at t = 0. */
export function windowedAverage(tl: Timeline, t: number, windowSeconds: number): number {
  const from = Math.max(0, t - windowSeconds);
  if (t <= from) return ratioAfter(tl, from);
  let sum = 0;
  // a plain loop: a closure per call was most of what the promtool scenarios allocated
  for (let i = 0; i < tl.length; i++) {
    const s = tl[i]!;
    const end = i + 1 < tl.length ? tl[i + 1]!.startSeconds : Infinity;
    const a = Math.max(from, s.startSeconds);
    const b = Math.min(t, end);
    if (b > a) sum += (b - a) * s.ratio;
  }
  return sum / (t - from);
}

/**
 * The error ratio a window summed from recorded base rates reads at `t`: `sum_over_time` of the
 * error rate over `sum_over_time` of the total rate, both recorded every `stepSeconds` (from the
 * first evaluation with two samples on) as rates over `baseSeconds`. Each recorded rate is the
 * average over its base window, weighted by the interval rate() extrapolates it to while the data
 * is younger than the base window (Prometheus' extrapolatedRate: up to the window start when the
 * gap is under 1.1 sample intervals, else half an interval), so the prediction is exact. Samples
 * at exactly t − range count (Prometheus 2 range selectors include both ends); `rangeSeconds` is
 * the summed range (the window less one base window). Before the first recorded rate: the first
 * ratio.
 */
export function summedWindowAverage(tl: Timeline, t: number, rangeSeconds: number, stepSeconds: number, baseSeconds: number): number {
  let errors = 0;
  let total = 0;
  const first = Math.max(1, Math.ceil((t - rangeSeconds) / stepSeconds - 1e-9));
  const last = t + 1e-9;
  // Run-length form of the per-sample sum (a 28 d window holds 40,320 samples at 1 m): while a
  // sample's base window lies inside one segment, every sample adds the same weighted average, so
  // a run of them is added in a tight loop (or skipped when it adds 0, or counted at once when the
  // weights are integers), in the same order as one by one: the result is the same float. Only for
  // whole seconds, where every time and span below is exact.
  const runs = Number.isInteger(stepSeconds) && Number.isInteger(baseSeconds);
  let seg = 0;
  for (let k = first; k * stepSeconds <= last;) {
    const at = k * stepSeconds;
    while (seg + 1 < tl.length && tl[seg + 1]!.startSeconds < at) seg++;
    const end = seg + 1 < tl.length ? tl[seg + 1]!.startSeconds : Infinity;
    if (runs && at >= baseSeconds && tl[seg]!.startSeconds <= at - baseSeconds && at <= end) {
      let n = Math.max(1, Math.floor(Math.min(last, end) / stepSeconds) - k + 1);
      while (n > 1 && (k + n - 1) * stepSeconds > Math.min(last, end)) n--;
      while ((k + n) * stepSeconds <= Math.min(last, end)) n++;
      const term = baseSeconds * ((baseSeconds * tl[seg]!.ratio) / baseSeconds);
      if (term !== 0) for (let i = 0; i < n; i++) errors += term;
      if (Number.isInteger(total) && total + n * baseSeconds < Number.MAX_SAFE_INTEGER) total += n * baseSeconds;
      else for (let i = 0; i < n; i++) total += baseSeconds;
      k += n;
      continue;
    }
    const covered = Math.min(at, baseSeconds);
    const gap = baseSeconds - covered;
    const weight = covered + (gap === 0 ? 0 : gap < 1.1 * stepSeconds ? gap : stepSeconds / 2);
    errors += weight * windowedAverage(tl, at, baseSeconds);
    total += weight;
    k++;
  }
  return total === 0 ? ratioAfter(tl, 0) : errors / total;
}
