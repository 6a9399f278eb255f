import { expressionLabels, promqlSyntaxError, vectorSelectors } from '../../slos/promql';

describe('vectorSelectors', () => {
  test.each([
    ['rate(x[5m])', 'rate', '5m'],
    ['sum_over_time(slo:sli_error:rate5m{slo="a"}[43195m])', 'sum_over_time', '43195m'],
    ['x{job="a"}', undefined, undefined],
    ['avg_over_time(x[1h30m])', 'avg_over_time', '1h30m'],
  ])('reads the range of %s as written', (expr, rangeFunction, range) => {
    // when
    const [selector] = vectorSelectors(expr);
    // then
    expect(selector?.rangeFunction).toBe(rangeFunction);
    expect(selector?.range).toBe(range);
  });

  test('reads the label values of each query of one shape, a literal that is not a matcher value included', () => {
    // given: two queries of one parsing shape, the first read before
    const first = 'sum(rate(x{job="a", code=~"5.."}[5m])) / on() group_left() label_replace(y{job="b"}, "l", "v", "", "")';
    const second = 'sum(rate(x{job="c", code=~"4.."}[5m])) / on() group_left() label_replace(y{job="d"}, "l", "v", "", "")';
    expect(vectorSelectors(first).map((s) => s.matchers.map((m) => m.value))).toEqual([['a', '5..'], ['b']]);
    // when
    const selectors = vectorSelectors(second);
    // then
    expect(selectors).toEqual([
      {
        metric: 'x',
        matchers: [
          { name: 'job', op: '=', value: 'c' },
          { name: 'code', op: '=~', value: '4..' },
        ],
        rangeFunction: 'rate',
        range: '5m',
      },
      { metric: 'y', matchers: [{ name: 'job', op: '=', value: 'd' }] },
    ]);
  });

  test('reads a query with single-quoted literals (which has no parsing shape) from its own parse', () => {
    // when
    const [selector] = vectorSelectors(`x{a='"b'}`);
    // then
    expect(selector?.matchers).toEqual([{ name: 'a', op: '=', value: '"b' }]);
  });
});

describe('promqlSyntaxError', () => {
  test.each([
    ['x{a="1"}', 'x{a="1\n2"}'],
    ['sum(rate(x{job="a", code=~"5.."}[5m]))', 'sum(rate(x{job="a, code=~"5.."}[5m]))'],
    [`x{a='"', b="'"}`, `x{a='""'"}`],
    ['x{a="b"} # "', 'x{a="b"} "'],
  ])('still rejects a query shaped like %s, which parsed before it: %s', (parses, fails) => {
    // given: the first query parsed, and its shape is known to parse
    expect(promqlSyntaxError(parses)).toBeUndefined();
    // when
    const error = promqlSyntaxError(fails);
    // then
    expect(error?.message).toMatch(/^promql does not parse at offset \d+/);
  });

  test('reports where a query with other label values fails, after its shape parsed', () => {
    // given
    expect(promqlSyntaxError('sum(rate(x{job="a"}[5m]))')).toBeUndefined();
    // when
    const error = promqlSyntaxError('sum(rate(x{job="b"}[5m])');
    // then
    expect(error?.offset).toBe(24);
  });
});

describe('expressionLabels', () => {
  test('reads the clauses of each query of one shape alike, whatever its label values', () => {
    // given: a query of the shape read before, with other label values
    const first = 'sum by (code) (rate(x{job="a"}[5m])) / on(route) group_left() label_replace(y{job="a"}, "l", "v", "", "")';
    const second = first.replaceAll('"a"', '"b"').replace('"l"', '"m"');
    const before = expressionLabels(first);
    // when
    const clauses = expressionLabels(second);
    // then
    expect(clauses).toEqual(before);
    expect(clauses.map((c) => [c.clause, c.labels])).toEqual([
      ['on', ['route']],
      ['group_left', []],
      ['by', ['code']],
    ]);
  });
});
