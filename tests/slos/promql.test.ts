import { vectorSelectors } from '../../slos/promql';

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
});
