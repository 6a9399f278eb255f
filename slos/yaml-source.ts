/**
 * YAML with positions: parses a file keeping a line counter, and maps a field path back to the
 * line and column where it stands, so every message can point at `file:line:col`.
 */
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
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
