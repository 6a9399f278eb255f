/** The example in docs/spec-format.md is executable (STYLE §13): it must validate as written. */
import { readFileSync } from 'node:fs';
import { buildCatalog } from '../../slos/catalog';
import { formatProblem } from '../../slos/problems';

describe('docs/spec-format.md', () => {
  test('its complete example is a valid spec', () => {
    // given the first yaml block of the page
    const page = readFileSync('docs/spec-format.md', 'utf8');
    const example = /```yaml\n(# yaml-language-server[\s\S]*?)```/.exec(page.slice(page.indexOf('## A complete example')))?.[1];
    expect(example).toBeDefined();
    // when
    const result = buildCatalog([{ file: 'docs/spec-format.md#example', text: example! }]);
    // then
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.catalog?.slos.map((s) => [s.id, s.alerting.name])).toEqual([
      ['checkout/error-rate', 'CheckoutErrorRateBudgetBurn'],
      ['checkout/latency', 'CheckoutLatencyBudgetBurn'],
    ]);
  });
});
