/**
 * Adds label matchers to every vector selector of a PromQL expression, using Prometheus' own
 * Lezer grammar, so a dashboard filter (region, Cloud Run service) reaches queries written by
 * hand in the specs without a regex over PromQL text.
 */
// Same CommonJS-with-ESM-types import as slos/promql.ts; see the comment there.
const { parser } = require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql', {
  with: { 'resolution-mode': 'import' },
});

/**
 * `expr` with `matchers` (e.g. `region=~"$region"`) added to each vector selector.
 *
 * `expr` must be valid PromQL: Grafana macros such as `$__rate_interval` in range brackets are
 * substituted by the caller after this step (see dashboards/queries.ts).
 */
export function addMatchers(expr: string, matchers: readonly string[]): string {
  if (matchers.length === 0) return expr;
  const joined = matchers.join(', ');
  const edits: { at: number; text: string }[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return undefined;
      const braces = node.node.getChild('LabelMatchers');
      if (braces) {
        const inner = expr.slice(braces.from + 1, braces.to - 1).trim();
        edits.push({ at: braces.from + 1, text: inner ? `${joined}, ` : joined });
      } else {
        edits.push({ at: node.to, text: `{${joined}}` });
      }
      return false;
    },
  });
  return edits.sort((a, b) => b.at - a.at).reduce((text, e) => text.slice(0, e.at) + e.text + text.slice(e.at), expr);
}
