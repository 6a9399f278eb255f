/**
 * The base rates the end-to-end run imports before its servers start (e2e/private/records.ts):
 * exactly the records some rule reads over a range, each evaluable on raw series alone.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { rangeReadRecordings } from '../../e2e/private/records';
import { vectorSelectors } from '../../slos/promql';

const total = 'sum(rate(req_count{job="api"}[5m]))';
const good = 'sum(rate(req_bucket{job="api", le="0.5"}[5m]))';

function ruleFile(rules: object[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'records-test-')), 'x.rules.yaml');
  writeFileSync(file, stringify({ groups: [{ name: 'slo-api-latency', interval: '1m', rules }] }));
  return file;
}

describe('records imported by the end-to-end run', () => {
  test('are the records read over a range, with the records they read written inline', () => {
    // given: a latency SLO's group: the total, the error rate reading it, a window summed from both, an alert
    const labels = { service: 'api', slo: 'latency' };
    const file = ruleFile([
      { record: 'slo:sli_total:rate5m', expr: total, labels },
      { record: 'slo:sli_error:rate5m', expr: `slo:sli_total:rate5m{service="api", slo="latency"}\n- on ()\n${good}`, labels },
      {
        record: 'slo:sli_error:ratio_rate1d',
        expr: 'sum_over_time(slo:sli_error:rate5m{slo="latency"}[1435m]) / sum_over_time(slo:sli_total:rate5m{slo="latency"}[1435m])',
        labels,
      },
      { alert: 'Burn', expr: 'slo:sli_error:ratio_rate1d > 0.01' },
    ]);
    // when
    const [group, ...rest] = rangeReadRecordings([file]);
    // then: the two base rates, in their group's order and interval, reading raw series only
    expect(rest).toEqual([]);
    expect(group!.interval).toBe('1m');
    expect(group!.rules.map((r) => [r.record, r.labels])).toEqual([
      ['slo:sli_total:rate5m', labels],
      ['slo:sli_error:rate5m', labels],
    ]);
    expect(group!.rules[1]!.expr).toBe(`(${total})\n- on ()\n${good}`);
    for (const r of group!.rules)
      expect(
        vectorSelectors(r.expr)
          .map((s) => s.metric)
          .sort(),
      ).toEqual(r === group!.rules[0] ? ['req_count'] : ['req_bucket', 'req_count']);
  });

  test('refuses records that read each other in a cycle', () => {
    // given
    const file = ruleFile([
      { record: 'a:x', expr: 'b:x{} + 1' },
      { record: 'b:x', expr: 'a:x{} + 1' },
      { alert: 'A', expr: 'sum_over_time(a:x{}[1h]) > 1' },
    ]);
    // when / then
    expect(() => rangeReadRecordings([file])).toThrow(/cycle: a:x -> b:x -> a:x/);
  });
});
