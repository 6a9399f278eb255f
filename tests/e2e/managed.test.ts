/**
 * The comparison of the Cloud Monitoring path with the rule files in the end-to-end run
 * (e2e/private/managed.ts): where the converted rules are evaluated, how their states are compared,
 * and the changed copy that proves the comparison can fail.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  addManagedRules,
  alertKey,
  alertStatesByPath,
  CLOUD_MONITORING,
  compareAlertStates,
  definedBy,
  EVALUATED_BY,
  withOneFactorChanged,
} from '../../e2e/private/managed';

const page = {
  alert: 'ApiErrorRateBudgetBurn',
  expr: '(a > 0.144 and b > 0.144) or (c > 0.06 and d > 0.06)',
  labels: { slo: 'error-rate', slo_alert: 'page', [EVALUATED_BY]: CLOUD_MONITORING },
};
const ticket = {
  alert: 'ApiErrorRateBudgetBurn',
  expr: 'e > 0.01',
  labels: { slo: 'error-rate', slo_alert: 'ticket', [EVALUATED_BY]: CLOUD_MONITORING },
};

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'managed-test-'));
}

describe('the Cloud Monitoring path in the end-to-end run', () => {
  test('each converted rule joins the generated group of its name and interval; others get a group of their own', () => {
    // given: a generated file with one group at 1m, and converted groups: one matching, one at another interval, one unknown
    const d = dir();
    const rules = join(d, 'api.rules.yaml');
    writeFileSync(rules, stringify({ groups: [{ name: 'slo-api-error-rate', interval: '1m', rules: [{ record: 'r', expr: '1' }] }] }));
    const extra = join(d, 'managed.rules.yaml');
    // when
    const placement = addManagedRules(
      [rules],
      [
        { name: 'slo-api-error-rate', interval: '1m', rules: [page, ticket] },
        { name: 'slo-api-error-rate', interval: '30s', rules: [page] },
        { name: 'symptoms-other', interval: '1m', rules: [ticket] },
      ],
      extra,
      '1m',
    );
    // then
    expect(placement).toEqual({ merged: 2, separate: [`slo-api-error-rate-${CLOUD_MONITORING}`, `symptoms-other-${CLOUD_MONITORING}`] });
    const merged = parse(readFileSync(rules, 'utf8')) as { groups: { name: string; rules: { record?: string; alert?: string }[] }[] };
    expect(merged.groups[0]!.rules.map((r) => r.record ?? r.alert)).toEqual(['r', page.alert, ticket.alert]);
    const own = parse(readFileSync(extra, 'utf8')) as { groups: { name: string; interval: string }[] };
    expect(own.groups.map((g) => [g.name, g.interval])).toEqual([
      [`slo-api-error-rate-${CLOUD_MONITORING}`, '30s'],
      [`symptoms-other-${CLOUD_MONITORING}`, '1m'],
    ]);
  });

  test('a changed factor changes both windows of the first branch of that rule only, under a label of its own', () => {
    // when
    const changed = withOneFactorChanged([{ name: 'g', rules: [page, ticket] }], page.alert, { slo_alert: 'page' }, 1.5, 'mutant');
    // then
    expect([changed.from, changed.to]).toEqual([0.144, 0.216]);
    const [p, t] = changed.groups[0]!.rules;
    expect(p!.expr).toBe('(a > 0.216 and b > 0.216) or (c > 0.06 and d > 0.06)');
    expect(t!.expr).toBe(ticket.expr);
    expect([p!.labels![EVALUATED_BY], t!.labels![EVALUATED_BY]]).toEqual(['mutant', 'mutant']);
    expect(() => withOneFactorChanged([{ name: 'g', rules: [ticket] }], page.alert, { slo_alert: 'page' }, 1.5, 'mutant')).toThrow(
      /no converted rule/,
    );
  });

  describe('comparing alert states', () => {
    const series = (labels: Record<string, string>, times: number[]) => ({
      metric: { __name__: 'ALERTS', alertname: 'A', slo: 's', ...labels },
      values: times.map((t) => [t, 1] as const),
    });

    test('finds nothing when both paths are pending and firing at the same evaluations', () => {
      // given
      const byPath = alertStatesByPath([
        series({ alertstate: 'pending' }, [60, 120]),
        series({ alertstate: 'firing' }, [180, 240]),
        series({ alertstate: 'pending', [EVALUATED_BY]: CLOUD_MONITORING }, [60, 120]),
        series({ alertstate: 'firing', [EVALUATED_BY]: CLOUD_MONITORING }, [180, 240]),
      ]);
      // when / then
      expect(compareAlertStates(byPath.get('')!, byPath.get(CLOUD_MONITORING)!)).toEqual([]);
      expect([...byPath.get('')!.keys()]).toEqual(['A{slo="s"}']);
    });

    test('names the alert and the first evaluation where the paths differ', () => {
      // given: the other path fires one evaluation late and never resolves
      const byPath = alertStatesByPath([
        series({ alertstate: 'firing' }, [60, 120]),
        series({ alertstate: 'firing', [EVALUATED_BY]: CLOUD_MONITORING }, [120, 180]),
      ]);
      // when
      const d = compareAlertStates(byPath.get('')!, byPath.get(CLOUD_MONITORING)!);
      // then
      expect(d).toEqual([{ alert: 'A{slo="s"}', atMs: 60_000, reference: 'firing', candidate: 'inactive' }]);
    });

    test('an alert only one path raises is a difference', () => {
      const byPath = alertStatesByPath([series({ alertstate: 'pending', [EVALUATED_BY]: CLOUD_MONITORING }, [60])]);
      expect(compareAlertStates(new Map(), byPath.get(CLOUD_MONITORING)!)).toEqual([
        { alert: 'A{slo="s"}', atMs: 60_000, reference: 'inactive', candidate: 'pending' },
      ]);
    });

    test('compares only the alerts the conditions define', () => {
      const defined = definedBy([{ name: 'g', rules: [page] }]);
      expect(defined({ alertname: page.alert, slo: 'error-rate', slo_alert: 'page', alertstate: 'firing' })).toBe(true);
      expect(defined({ alertname: page.alert, slo: 'error-rate', slo_alert: 'ticket' })).toBe(false);
      expect(defined({ alertname: 'ApiAvailabilityLow' })).toBe(false);
      expect(alertKey({ alertname: 'A', alertstate: 'firing', [EVALUATED_BY]: 'x', b: '2', a: '1' })).toBe('A{a="1", b="2"}');
    });
  });
});
