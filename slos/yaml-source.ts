/**
 * YAML with positions: parses a file keeping a line counter, and maps a field path back to the
 * line and column where it stands, so every message can point at `file:line:col`.
 *
 * Spec files take a fast first pass ({@link parseYamlFast}): js-yaml reads the value about five
 * times faster than the `yaml` library builds its document with positions, and the document is
 * only built when a position is asked for (a problem to report, a source reference read).
 */
import { FAILSAFE_SCHEMA, load as loadValue, Type } from 'js-yaml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Problem } from './problems';
import { fieldPath } from './problems';

/** A parsed YAML file with what is needed to locate fields. */
export interface YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** The plain JavaScript value of the document. */
  readonly value: unknown;
}

/** Parses YAML text; returns the source, or the syntax problems. */
export function parseYaml(file: string, text: string): { source?: YamlSource; problems: Problem[] } {
  const { doc, lines } = parsePositioned(text);
  const problems: Problem[] = [];
  // One mistake often cascades into several errors on the same line; the first says what is wrong.
  const seenLines = new Set<number>();
  for (const err of [...doc.errors, ...doc.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED')]) {
    const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
    if (seenLines.has(pos.line)) continue;
    seenLines.add(pos.line);
    const first =
      err.code === 'MULTIPLE_DOCS'
        ? 'a spec file holds one yaml document; found another one after ---'
        : err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    problems.push({ file, line: pos.line, col: pos.col, field: '', message: `yaml syntax error: ${lowerFirst(first)}`, rule: 'yaml' });
  }
  if (problems.length > 0) return { problems };
  try {
    return { source: { file, doc, lines, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) }, problems };
  } catch (e) {
    // The yaml library refuses an alias expansion beyond the limit (a "billion laughs" bomb).
    if (!(e instanceof ReferenceError)) throw e;
    const pos = lines.linePos(firstAliasOffset(doc));
    const message = `yaml aliases expand too far (more than ${MAX_ALIAS_COUNT} nodes through *aliases); allowed: a file without nested alias expansion`;
    return { problems: [{ file, line: pos.line, col: pos.col, field: '', message, rule: 'yaml' }] };
  }
}

/** The `yaml` library's document of `text`, with its line counter. */
function parsePositioned(text: string): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true }), lines };
}

/**
 * The fast first pass: the source of `text` with its value read by js-yaml and its document built
 * by {@link parseYaml}'s parser on first use, or undefined when the fast pass cannot promise
 * {@link parseYaml}'s value. It declines text with anchors, aliases, tags or directives (where the
 * two parsers' rules differ: alias limits, tag resolution, YAML 1.1), text js-yaml refuses, and
 * values with a key `null` or `__proto__` (js-yaml names a null key `null`, the `yaml` library
 * names it by the empty string). Its scalars resolve by the `yaml` library's core schema
 * ({@link CORE_SCHEMA}). The caller reads the file again with {@link parseYaml} when the value has
 * any problem, so problems and their positions are always the exact parser's.
 */
export function parseYamlFast(file: string, text: string): YamlSource | undefined {
  if (MAYBE_NOT_PLAIN.test(text) || hasFlowKeyInFlow(text)) return undefined;
  let value: unknown;
  try {
    value = loadValue(text, { schema: CORE_SCHEMA, filename: file });
  } catch {
    return undefined;
  }
  if (value === undefined || hasUnsafeKey(value)) return undefined;
  let positioned: { doc: Document.Parsed; lines: LineCounter } | undefined;
  const exact = () => (positioned ??= parsePositioned(text));
  return {
    file,
    value,
    get doc() {
      return exact().doc;
    },
    get lines() {
      return exact().lines;
    },
  };
}

/**
 * Where the two parsers may differ, so the fast pass declines: an anchor (`&`), alias (`*`), tag
 * (`!`) or directive (`%`) where a node may start (at the start of a line, after a key's colon, a
 * sequence dash, an explicit key or a flow indicator), and a key that may be a collection (an
 * explicit `?` key, a flow collection at the start of a line or as a key inside another: the
 * last is {@link hasFlowKeyInFlow}). It may decline plain text that only looks like these (then
 * the exact parser reads it, only slower); PromQL's `!=`, `*` and `%` inside a value do not.
 */
const MAYBE_NOT_PLAIN = new RegExp(
  [/^[ \t]*(?:-[ \t]+)*[&*!%?[{]/.source, /[:\-?,[{][ \t]*[&*!%]/.source, /[,[{][ \t]*\?(?:[ \t]|$)/.source].join('|'),
  'm',
);

/**
 * Whether a flow collection may be a key inside another flow collection (`{[a]: b}`): a `[` or `{`
 * after a `,`, `[` or `{` (blanks between), then, before the next colon and on the same line, a
 * `]` or `}` right before that colon (blanks between). What the regex
 * `/[,[{][ \t]*[[{][^:\n]*?[\]}][ \t]*:/` matches, in one pass: that regex, tried again from
 * every bracket, reads the rest of a colon-free line each time, quadratic in its length (a line of
 * 80,000 brackets took 2.4 CPU-s; a 16 MiB one would take hours).
 */
function hasFlowKeyInFlow(text: string): boolean {
  // since the last colon or line break: whether such a `[` or `{` opened, and the last non-blank
  let opened = false;
  let last = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ':' || c === '\n') {
      if (c === ':' && opened && (last === ']' || last === '}')) return true;
      opened = false;
      last = '';
    } else if (c !== ' ' && c !== '\t') {
      if ((c === '[' || c === '{') && (last === ',' || last === '[' || last === '{')) opened = true;
      last = c;
    }
  }
  return false;
}

function hasUnsafeKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasUnsafeKey);
  if (value === null || typeof value !== 'object') return false;
  for (const key of Object.keys(value))
    if (key === 'null' || key === '__proto__' || hasUnsafeKey((value as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * A js-yaml plain-scalar type for the `yaml` library's core schema tag `tag`, whose forms are tried
 * in order (js-yaml keeps one implicit type per tag).
 */
function coreType(tag: string, forms: readonly (readonly [RegExp, (s: string) => unknown])[]): Type {
  const form = (s: string | null) => forms.find(([test]) => test.test(s ?? ''));
  return new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (s: string | null) => form(s) !== undefined,
    construct: (s: string | null) => form(s)![1](s ?? ''),
  });
}

/**
 * The `yaml` library's YAML 1.2 core schema (node_modules/yaml/dist/schema/core/) for js-yaml, in
 * its order: null, bool, int (octal, decimal, hexadecimal), float (special, exponent, plain).
 */
const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    coreType('null', [[/^(?:~|[Nn]ull|NULL)?$/, () => null]]),
    coreType('bool', [[/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T']]),
    coreType('int', [
      [/^0o[0-7]+$/, (s) => parseInt(s.slice(2), 8)],
      [/^[-+]?[0-9]+$/, (s) => parseInt(s, 10)],
      [/^0x[0-9a-fA-F]+$/, (s) => parseInt(s.slice(2), 16)],
    ]),
    coreType('float', [
      [
        /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
        (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity),
      ],
      [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, parseFloat],
      [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, parseFloat],
    ]),
  ],
});

/**
 * How many nodes alias expansion may produce in one file (the yaml library's own default). Spec
 * files need few or no aliases; the limit stops an alias bomb, where a few lines of nested
 * aliases expand to billions of nodes.
 */
export const MAX_ALIAS_COUNT = 100;

function firstAliasOffset(doc: Document.Parsed): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Line and column of the field at `path`. For a key that exists, the key's own position; for a
 * missing key, the position of the nearest existing parent.
 */
export function locate(source: YamlSource, path: readonly PropertyKey[], preferValue = false): { line: number; col: number } {
  let node: unknown = source.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
      if (preferValue) offset = rangeStart(node) ?? offset;
    } else if (isSeq(node) && typeof part === 'number' && node.items[part] !== undefined) {
      node = node.items[part];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  const pos = source.lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}

/**
 * A problem at a field of a parsed file. `charOffset`, an offset into a string value, moves the
 * column onto that character when the value is written on one line (plain or quoted).
 */
export function problemAt(
  source: YamlSource,
  path: readonly PropertyKey[],
  message: string,
  rule: string,
  preferValue = false,
  charOffset?: number,
): Problem {
  const { line, col } = locate(source, path, preferValue);
  const shift = charOffset === undefined ? 0 : scalarShift(source, path, charOffset);
  return { file: source.file, line, col: col + shift, field: fieldPath(path), message, rule };
}

/** Columns from a scalar's start to its character at `offset`, or 0 when that is not a straight line. */
function scalarShift(source: YamlSource, path: readonly PropertyKey[], offset: number): number {
  const node = source.doc.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.includes('\n')) return 0;
  if (node.type === 'PLAIN') return offset;
  // A quoted value is a straight line only without escapes; then the quote adds one column.
  const raw = node.source ?? node.value;
  if ((node.type === 'QUOTE_DOUBLE' && !/\\/.test(String(raw))) || (node.type === 'QUOTE_SINGLE' && !node.value.includes("'")))
    return offset + 1;
  return 0;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? range[0] : undefined;
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
