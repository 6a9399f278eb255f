import { backfillLevels, recordedInputs } from '../../bench/private/rule-cost/plan';
import { prometheusDurationSeconds } from '../../slos/duration';
import { ruleSets } from '../../bench/private/rule-cost/rule-sets';

describe('the rule-cost bench plan', () => {
  const sets = ruleSets();
  const levels = backfillLevels(sets);

  test('backfills Sloth’s 5 m ratio over the 30 days its whole-window ratio averages', () => {
    // given
    const sloth = levels.flat().filter((n) => n.set.shape === 'sloth' && n.rule.name === 'slo:sli_error:ratio_rate5m');
    // then: one per SLO, each reaching back the whole window
    expect(sloth.map((n) => n.set.slo).sort()).toEqual(['checkout/availability', 'search/latency']);
    for (const n of sloth) expect(n.spanSeconds).toBe(n.set.windowSeconds);
  });

  test('backfills every recorded series a rule reads, at a lower level than each recorded series reading it', () => {
    const levelOf = new Map(levels.flatMap((needs, level) => needs.map((n) => [n.rule, level] as const)));
    for (const set of sets)
      for (const rule of set.rules)
        for (const { input } of recordedInputs(set, rule)) {
          // then
          expect(levelOf.has(set.rules[input]!)).toBe(true);
          if (levelOf.has(rule)) expect(levelOf.get(set.rules[input]!)!).toBeLessThan(levelOf.get(rule)!);
        }
  });

  test.each([
    ['5m', 300],
    ['43195m', 2591700],
    ['1h30m', 5400],
  ])('reads the duration %s as %d s', (text, seconds) => {
    expect(prometheusDurationSeconds(text)).toBe(seconds);
  });

  test('rejects a duration Prometheus would not parse', () => {
    expect(() => prometheusDurationSeconds('5 m')).toThrow('not a Prometheus duration: "5 m"');
  });
});
