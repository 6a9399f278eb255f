/** PromQL syntax checking in-process with Prometheus' own Lezer grammar. */
import { boundedMemo } from './memo';

// The package is an ES module with a CommonJS build; TypeScript's node16 resolution reads its types
// as ESM only, so the CommonJS build is required explicitly with the ESM types.
const { parser } = require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql', {
  with: { 'resolution-mode': 'import' },
});

/**
 * Parse trees by expression. Validation, the rules' promtool tests and the metrics contract read
 * the same SLI queries (their syntax, selectors and grouping labels); a parse costs about 0.1 ms
 * and its tree under 1 kB, so each query is parsed once per run.
 */
const trees = boundedMemo<ReturnType<typeof parser.parse>>(1 << 16);

function parse(expr: string): ReturnType<typeof parser.parse> {
  return trees(expr, () => parser.parse(expr));
}

/** A PromQL syntax error. */
export interface PromqlError {
  /** 0-based offset of the first character that does not parse. */
  readonly offset: number;
  /** The text around it, whitespace collapsed, for the message. */
  readonly near: string;
  /** `promql does not parse at offset N near "…"`. */
  readonly message: string;
}

/**
 * Expressions known to parse, with every string literal emptied ({@link parsingShape}). SLO
 * queries repeat a few shapes with other label values (10,000 SLOs: a handful of shapes), so
 * `slo validate` parses each shape once instead of each query.
 */
const parsingShapes = new Set<string>();

/** A double-quoted string literal without escapes, as {@link parsingShape} empties them. */
const DOUBLE_QUOTED = /"[^"\n]*"/g;

/**
 * `expr` with every double-quoted string literal emptied, which parses exactly when `expr` does;
 * undefined when that is not certain: a single quote, backtick, backslash or comment (`#`), where
 * a `"` need not delimit a string, or a `"` left unpaired on its line.
 */
function parsingShape(expr: string): string | undefined {
  if (/['`\\#]/.test(expr)) return undefined;
  const shape = expr.replace(DOUBLE_QUOTED, '""');
  return shape.replaceAll('""', '').includes('"') ? undefined : shape;
}

/** The first syntax error of a PromQL expression, or undefined when it parses. */
export function promqlSyntaxError(expr: string): PromqlError | undefined {
  const shape = parsingShape(expr);
  if (shape !== undefined && parsingShapes.has(shape)) return undefined;
  const found = firstSyntaxError(expr);
  if (!found && shape !== undefined && parsingShapes.size < 1 << 16) parsingShapes.add(shape);
  return found;
}

function firstSyntaxError(expr: string): PromqlError | undefined {
  const tree = parse(expr);
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

/** One label matcher of a vector selector: `code=~"5.."` is `{ name: 'code', op: '=~', value: '5..' }`. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** A vector selector of a PromQL expression, with the function its range is passed to (if any). */
export interface SelectorUse {
  /** Metric name; empty when the selector only has label matchers. */
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
  /** Name of the function called on the selector's range (`rate`, `count_over_time`, …), if any. */
  readonly rangeFunction?: string;
  /** The range of a range-vector selector as written (`5m` of `x[5m]`); absent for an instant selector. */
  readonly range?: string;
}

/**
 * Every vector selector of a PromQL expression (which must parse), in order: the metric, its
 * label matchers and the function its range vector goes to. The promtool scenario generator reads
 * these to synthesize raw series that an SLI's queries select.
 *
 * Read from the expression's parsing shape when it has one: the SLIs of a catalog repeat a few
 * shapes with other label values, and walking the parse tree cost as much as parsing (1,000 SLOs:
 * 0.4 of 7 CPU-s), so each shape is parsed and walked once and its matchers take the values of
 * the expression's own string literals, in order.
 */
export function vectorSelectors(expr: string): SelectorUse[] {
  const shape = parsingShape(expr);
  if (shape === undefined) return selectorsOf(expr, (from, to) => stringLiteral(expr.slice(from, to)));
  const template = selectorShapes(shape, () => {
    const starts = [...shape.matchAll(DOUBLE_QUOTED)].map((m) => m.index);
    return selectorsOf(shape, (from) => starts.indexOf(from));
  });
  const literals = expr.match(DOUBLE_QUOTED) ?? [];
  return template.map((s) => ({ ...s, matchers: s.matchers.map((m) => ({ ...m, value: stringLiteral(literals[m.value]!) })) }));
}

/** The selectors of each parsing shape seen, each matcher's value the index of its string literal. */
const selectorShapes = boundedMemo<readonly Selector<number>[]>(1 << 12);

/** A SelectorUse whose matcher values are `V`. */
type Selector<V> = Omit<SelectorUse, 'matchers'> & { readonly matchers: readonly (Omit<LabelMatcher, 'value'> & { readonly value: V })[] };

/** The vector selectors of `expr`, each matcher's value read by `value` from its string literal's offsets. */
function selectorsOf<V>(expr: string, value: (from: number, to: number) => V): Selector<V>[] {
  const out: Selector<V>[] = [];
  parse(expr).iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return undefined;
      let metric = '';
      const matchers: (Omit<LabelMatcher, 'value'> & { value: V })[] = [];
      const cursor = node.node.cursor();
      cursor.firstChild();
      do {
        if (cursor.name === 'Identifier') metric = expr.slice(cursor.from, cursor.to);
        if (cursor.name === 'LabelMatchers') {
          for (let m = cursor.node.firstChild; m; m = m.nextSibling) {
            const name = m.getChild('LabelName');
            const op = m.getChild('MatchOp');
            const literal = m.getChild('StringLiteral');
            if (!name || !op || !literal) continue;
            matchers.push({
              name: expr.slice(name.from, name.to),
              op: expr.slice(op.from, op.to) as LabelMatcher['op'],
              value: value(literal.from, literal.to),
            });
          }
        }
      } while (cursor.nextSibling());
      const matrix = node.node.parent?.name === 'MatrixSelector' ? node.node.parent : undefined;
      const call = matrix?.parent?.parent;
      const fn = call?.name === 'FunctionCall' ? call.getChild('FunctionIdentifier') : null;
      const range = matrix?.lastChild;
      out.push({
        metric,
        matchers,
        ...(fn ? { rangeFunction: expr.slice(fn.from, fn.to) } : {}),
        ...(range && range.name !== 'VectorSelector' ? { range: expr.slice(range.from, range.to) } : {}),
      });
      return false;
    },
  });
  return out;
}

/** The value of a PromQL string literal (double- or single-quoted with Go escapes, or a raw backtick string). */
function stringLiteral(text: string): string {
  if (text.startsWith('`')) return text.slice(1, -1);
  const body = text.slice(1, -1);
  const quoted = text.startsWith("'") ? body.replace(/\\'/g, "'").replace(/"/g, '\\"') : body;
  return JSON.parse(`"${quoted}"`) as string;
}

/** True when `value` matches `m` (PromQL regexes are fully anchored). */
export function matcherMatches(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    default: {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${m.value})$`);
      } catch {
        return false;
      }
      return re.test(value) === (m.op === '=~');
    }
  }
}

/** The labels of one grouping clause and the metrics its operands read. */
export interface GroupingClause {
  /** `by`, `without`, `on`, `ignoring`, `group_left` or `group_right`. */
  readonly clause: string;
  readonly labels: readonly string[];
  /** Metric names selected inside the clause's operands. */
  readonly metrics: readonly string[];
  /** True when an operand calls `label_replace` or `label_join`, which may add any label. */
  readonly addsLabels: boolean;
}

/**
 * Every grouping clause of a PromQL expression (which must parse): the labels of each `by`,
 * `without`, `on`, `ignoring`, `group_left` and `group_right`, with the metrics its aggregation
 * (or both sides of its binary operator) select.
 *
 * None of it is in a string literal, so queries of one parsing shape share their clauses, found
 * once per shape (the metrics contract reads every SLI query: 1,000 SLOs, 0.2 of 4 CPU-s).
 */
export function expressionLabels(expr: string): readonly GroupingClause[] {
  const shape = parsingShape(expr);
  return shape === undefined ? groupingClauses(expr) : clausesByShape(shape, () => groupingClauses(shape));
}

/** The grouping clauses of each parsing shape seen. */
const clausesByShape = boundedMemo<readonly GroupingClause[]>(1 << 12);

function groupingClauses(expr: string): GroupingClause[] {
  const out: GroupingClause[] = [];
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  type Node = NonNullable<ReturnType<ReturnType<typeof parser.parse>['topNode']['getChild']>>;
  const operands = (node: Node) => {
    const metrics = new Set<string>();
    let addsLabels = false;
    node.cursor().iterate((n) => {
      if (n.name === 'VectorSelector') {
        const id = n.node.getChild('Identifier');
        if (id) metrics.add(text(id));
      }
      if (n.name === 'LabelReplace' || n.name === 'LabelJoin') addsLabels = true;
    });
    return { metrics: [...metrics], addsLabels };
  };
  parse(expr).iterate({
    enter(ref) {
      const node = ref.node;
      const modifier =
        node.name === 'AggregateExpr'
          ? node.getChild('AggregateModifier')
          : node.name === 'BinaryExpr'
            ? node.getChild('MatchingModifierClause')
            : null;
      if (!modifier) return undefined;
      const { metrics, addsLabels } = operands(node);
      let clause = '';
      for (let c = modifier.firstChild; c; c = c.nextSibling) {
        if (c.name === 'GroupingLabels') {
          const labels: string[] = [];
          for (let l = c.firstChild; l; l = l.nextSibling) if (l.name === 'LabelName') labels.push(text(l));
          out.push({ clause, labels, metrics, addsLabels });
        } else {
          clause = text(c);
        }
      }
      return undefined;
    },
  });
  return out;
}
