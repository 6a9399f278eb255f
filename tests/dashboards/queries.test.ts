import { addMatchers } from '../../dashboards/private/matchers';
import { burnRateWindows, RATE_WINDOW, sliErrorRatio } from '../../dashboards/queries';
import { googleMetric, REGION_FILTER } from '../../layers/platform/queries';
import { promqlSyntaxError } from '../../slos/promql';
import { AVAILABILITY_ID, pagingAvailability, pagingCatalog } from '../alerts/prometheus/paging-catalog';
import { interpolate, loadBundled } from './dashboard-json';

describe('addMatchers', () => {
  test.each([
    ['a selector with matchers', 'rate(x{job="a"}[5m])', 'rate(x{r="1", job="a"}[5m])'],
    ['a bare metric name', 'sum(rate(x[5m]))', 'sum(rate(x{r="1"}[5m]))'],
    ['empty braces', 'up{}', 'up{r="1"}'],
    ['both sides of a ratio', 'a{k="v"} / b', 'a{r="1", k="v"} / b{r="1"}'],
    ['a subquery and an offset', 'max_over_time(a[1h:5m]) offset 5m', 'max_over_time(a{r="1"}[1h:5m]) offset 5m'],
    ['label names that look like metrics', 'sum by (x) (y)', 'sum by (x) (y{r="1"})'],
  ])('adds a matcher to %s', (_what, expr, expected) => {
    // when
    const out = addMatchers(expr, ['r="1"']);
    // then
    expect(out).toBe(expected);
    expect(promqlSyntaxError(out)).toBeUndefined();
  });

  test('leaves an expression alone when there are no matchers', () => {
    expect(addMatchers('sum(x)', [])).toBe('sum(x)');
  });
});

describe('queries', () => {
  test.each([
    ['run.googleapis.com/container/instance_count', 'run_googleapis_com:container_instance_count'],
    ['cloudsql.googleapis.com/database/postgresql/num_backends', 'cloudsql_googleapis_com:database_postgresql_num_backends'],
    ['redis.googleapis.com/stats/memory/usage_ratio', 'redis_googleapis_com:stats_memory_usage_ratio'],
  ])('names the Google metric %s %s in PromQL', (metricType, promql) => {
    expect(googleMetric(metricType)).toBe(promql);
  });

  test('every SLI error ratio keeps the region filter on each selector and parses with Grafana macros filled in', () => {
    // given
    const { catalog } = loadBundled();
    for (const slo of catalog.slos) {
      // when
      const expr = sliErrorRatio(slo, RATE_WINDOW, REGION_FILTER);
      // then
      const selectors = expr.match(/\w+\{[^}]*\}/g) ?? [];
      expect(selectors.length).toBeGreaterThan(0);
      for (const s of selectors) expect(s).toContain(REGION_FILTER[0]);
      expect(expr).not.toContain('987654321s');
      expect(promqlSyntaxError(interpolate(expr))).toBeUndefined();
    }
  });

  test('burn-rate windows are every distinct long and short alert window, longest first', () => {
    // given a 99.9 %/30 d SLO with every window enabled: the availability SLO with its page turned back on
    const slo = pagingAvailability(pagingCatalog());
    // then
    expect(burnRateWindows(slo)).toEqual(['3d', '6h', '1h', '30m', '5m']);
  });

  test('burn-rate windows leave out the windows of a disabled page', () => {
    // given the shipped availability SLO, which pages no burn rate
    const { catalog } = loadBundled();
    const slo = catalog.slos.find((s) => s.id === AVAILABILITY_ID)!;
    // then only the ticket's windows are shown
    expect(burnRateWindows(slo)).toEqual(['3d', '6h']);
  });
});
