/**
 * Which recorded series the rule-cost bench must write before it can measure: a rule that reads
 * a recorded series needs that series to exist as a running Prometheus would hold it — a sample
 * at the evaluation time for an instant selector, every sample of the range for a range selector
 * (Sloth's 30-day ratio averages 30 days of its 5 m ratios). Only what some rule reads is
 * written, over the span it is read, level by level (a series computed from recorded series is
 * written after them).
 */
import { matcherMatches, vectorSelectors } from '../../../slos/promql';
import { prometheusDurationSeconds } from '../../../slos/duration';
import type { BenchRule, RuleSet } from './rule-sets';

/** A recording rule to backfill before measuring, and how far back its samples must reach. */
export interface BackfillNeed {
  readonly set: RuleSet;
  readonly rule: BenchRule;
  /** Samples are needed from (end − spanSeconds) to the end; 0: one sample at the end. */
  readonly spanSeconds: number;
}

/** The recording rules of `set` that `rule` reads, each with the range it reads (0 for an instant selector). */
export function recordedInputs(set: RuleSet, rule: BenchRule): { input: number; rangeSeconds: number }[] {
  const out: { input: number; rangeSeconds: number }[] = [];
  for (const s of vectorSelectors(rule.expr)) {
    set.rules.forEach((r, input) => {
      if (r.kind !== 'record' || r.name !== s.metric || r === rule) return;
      if (!s.matchers.every((m) => m.name === '__name__' || matcherMatches(m, r.labels[m.name] ?? ''))) return;
      out.push({ input, rangeSeconds: s.range ? prometheusDurationSeconds(s.range) : 0 });
    });
  }
  return out;
}

/**
 * The backfill levels of every rule set: level 0 reads raw series only, level n reads series of
 * lower levels. Each need's span is the longest range any reader reads it over, plus the span the
 * reader itself must cover.
 */
export function backfillLevels(sets: readonly RuleSet[]): BackfillNeed[][] {
  const levels: BackfillNeed[][] = [];
  for (const set of sets) {
    const inputs = set.rules.map((r) => recordedInputs(set, r));
    const level = new Array<number>(set.rules.length).fill(0);
    set.rules.forEach((_, i) => {
      for (const { input } of inputs[i]!) level[i] = Math.max(level[i]!, level[input]! + 1);
    });
    // Readers come after what they read (Prometheus evaluates a group in order), so one pass from the end settles every span.
    const span = new Array<number | undefined>(set.rules.length).fill(undefined);
    for (let i = set.rules.length - 1; i >= 0; i--) {
      for (const { input, rangeSeconds } of inputs[i]!) {
        if (input > i) throw new Error(`${set.shape} ${set.slo}: ${set.rules[i]!.name} reads ${set.rules[input]!.name}, recorded after it`);
        // A backfilled reader is evaluated from one interval before its span (its evaluation times
        // are offset within the interval), and each of those evaluations reads its input's range.
        const reader = span[i] === undefined ? 0 : span[i]! + set.intervalSeconds;
        span[input] = Math.max(span[input] ?? 0, reader + rangeSeconds);
      }
    }
    set.rules.forEach((rule, i) => {
      if (span[i] === undefined) return;
      (levels[level[i]!] ??= []).push({ set, rule, spanSeconds: span[i]! });
    });
  }
  return levels.map((l) => l ?? []);
}
