/** PromQL syntax checking in-process with Prometheus' own Lezer grammar. */
// The package is an ES module with a CommonJS build; TypeScript's node16 resolution reads its types
// as ESM only, so the CommonJS build is required explicitly with the ESM types.
const { parser } = require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql', {
  with: { 'resolution-mode': 'import' },
});

/** The first syntax error of a PromQL expression, or undefined when it parses. */
export function promqlSyntaxError(expr: string): { offset: number; message: string } | undefined {
  const tree = parser.parse(expr);
  let error: { offset: number; message: string } | undefined;
  tree.iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) {
        const near = expr.slice(Math.max(0, node.from - 10), node.to + 10).replace(/\s+/g, ' ');
        error = { offset: node.from, message: `promql does not parse at offset ${node.from} near ${JSON.stringify(near)}` };
        return false;
      }
      return undefined;
    },
  });
  return error;
}
