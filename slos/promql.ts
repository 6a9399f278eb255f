/** PromQL syntax checking in-process with Prometheus' own Lezer grammar. */
// The package is an ES module with a CommonJS build; TypeScript's node16 resolution reads its types
// as ESM only, so the CommonJS build is required explicitly with the ESM types.
const { parser } = require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql', {
  with: { 'resolution-mode': 'import' },
});

/** A PromQL syntax error. */
export interface PromqlError {
  /** 0-based offset of the first character that does not parse. */
  readonly offset: number;
  /** The text around it, whitespace collapsed, for the message. */
  readonly near: string;
  /** `promql does not parse at offset N near "…"`. */
  readonly message: string;
}

/** The first syntax error of a PromQL expression, or undefined when it parses. */
export function promqlSyntaxError(expr: string): PromqlError | undefined {
  const tree = parser.parse(expr);
  let error: PromqlError | undefined;
  tree.iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) {
        const near = expr.slice(Math.max(0, node.from - 10), node.to + 10).replace(/\s+/g, ' ');
        error = { offset: node.from, near, message: `promql does not parse at offset ${node.from} near ${JSON.stringify(near)}` };
        return false;
      }
      return undefined;
    },
  });
  return error;
}

/**
 * The first syntax error of a PromQL template whose range is the `placeholder` (e.g.
 * `{{.window}}`), parsed with `sample` in its place. The offset is mapped back into the template,
 * so it points at the character the author wrote.
 */
export function promqlTemplateError(template: string, placeholder: string, sample: string): PromqlError | undefined {
  const parts = template.split(placeholder);
  const found = promqlSyntaxError(parts.join(sample));
  if (!found) return undefined;
  const offset = templateOffset(found.offset, parts, placeholder, sample);
  const near = template.slice(Math.max(0, offset - 10), offset + 10).replace(/\s+/g, ' ');
  return { offset, near, message: `promql does not parse at offset ${offset} near ${JSON.stringify(near)}` };
}

/** Maps an offset in the substituted query back to the template. */
function templateOffset(queryOffset: number, parts: readonly string[], placeholder: string, sample: string): number {
  // Walk the parts: each substituted sample is `sample.length` long in the query but
  // `placeholder.length` long in the template.
  let queryPos = 0;
  let templatePos = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (queryOffset <= queryPos + part.length) return templatePos + (queryOffset - queryPos);
    queryPos += part.length;
    templatePos += part.length;
    if (i < parts.length - 1) {
      if (queryOffset < queryPos + sample.length) return templatePos;
      queryPos += sample.length;
      templatePos += placeholder.length;
    }
  }
  return templatePos;
}
