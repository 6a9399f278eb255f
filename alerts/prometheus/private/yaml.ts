/**
 * A small YAML emitter for the plain data of rule and test files: mappings in insertion order,
 * sequences, numbers, booleans and strings. About ten times faster than a general YAML library
 * on 1,000 SLOs, and the output shape never depends on a library's style heuristics.
 *
 * Every string is safe by construction, whatever it holds: it is written plain only when it
 * matches a short list of harmless characters, as a `|-` block only when each of its lines is
 * printable text, and otherwise double-quoted with every character YAML could read as a line
 * break or a control escaped. YAML breaks lines not only on `\n` but on `\r`, U+0085, U+2028 and
 * U+2029 (YAML 1.2.2 §5.4); a raw one in a label value would end the scalar and start new rules.
 */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Strings YAML reads back as the same string when unquoted (no numbers, booleans, nulls, `: ` or ` #`). */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*(:[A-Za-z0-9_./-]+)*$/;
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$/i;

/**
 * Characters a YAML document may not hold raw inside a scalar, beyond the C0 controls JSON
 * already escapes: DEL and the C1 controls (U+0085, NEL, is a line break), the line and paragraph
 * separators, the byte-order mark, the two non-characters and unpaired surrogates. YAML 1.2.2 §5.1
 * (printable set) and §5.4 (line breaks): https://yaml.org/spec/1.2.2/#chapter-5-character-productions
 */
const NOT_RAW_BEYOND_JSON = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** Anything a `|-` block line may not hold: every character above, every C0 control and the tab. */
const NOT_IN_BLOCK_LINE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Strings whose double-quoted form is the string between quotes: printable ASCII but `"` and `\`. */
const PRINTABLE_ASCII_UNESCAPED = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A double-quoted scalar: JSON's escapes (valid YAML; JSON escapes C0 controls and unpaired
 * surrogates) plus a `\uXXXX` escape for every character JSON leaves raw that YAML may not.
 */
export function quoted(value: string): string {
  // Most values (series selectors, sample values) are printable ASCII without quote or backslash:
  // one regex test, and no escaping pass.
  if (PRINTABLE_ASCII_UNESCAPED.test(value)) return `"${value}"`;
  return JSON.stringify(value).replace(NOT_RAW_BEYOND_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return PLAIN.test(value) && !RESERVED.test(value) ? value : quoted(value);
}

function key(k: string): string {
  return PLAIN_KEY.test(k) ? k : quoted(k);
}

/** A string that can be a block scalar: several lines of printable text, no leading or trailing blanks. */
function isBlock(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.includes('\n') &&
    !/^\s/.test(value) &&
    !/\s$/.test(value) &&
    value.split('\n').every((line) => !NOT_IN_BLOCK_LINE.test(line))
  );
}

/**
 * Appends YAML lines to one string. `lead` replaces the leading columns of the next line written:
 * a sequence item that is a mapping (or a sequence) starts with `- ` on its first line, written in
 * place rather than by copying the nested lines at every level.
 */
class Lines {
  text = '';
  private lead: string | undefined;

  /**
   * @param items the sequence items met in this document: null once, their text from the second
   *   time on (see `item`)
   */
  constructor(private readonly items: WeakMap<object, { indent: string; text: string } | null> = new WeakMap()) {}

  /**
   * Writes a sequence item that is a mapping or a sequence. An item object met again at the same
   * indent, not inside another item's first line, is written once and its text reused: a test
   * file asserts the same expected alert at many evaluations (1,000 SLOs: 551 alerts per file, 160
   * distinct), and writing them was half of the file's cost.
   */
  item(item: object, indent: string): void {
    if (this.lead !== undefined) return emitItem(item, indent, this);
    const seen = this.items.get(item);
    if (seen === undefined) {
      this.items.set(item, null);
      return emitItem(item, indent, this);
    }
    if (seen === null) {
      const first = new Lines(this.items);
      emitItem(item, indent, first);
      this.items.set(item, { indent, text: first.text });
      this.text += first.text;
    } else if (seen.indent === indent) this.text += seen.text;
    else emitItem(item, indent, this);
  }

  line(indent: string, body: string): void {
    if (this.lead === undefined) this.text += `${indent}${body}\n`;
    else {
      const full = `${indent}${body}`;
      this.text += `${this.lead}${full.slice(this.lead.length)}\n`;
      this.lead = undefined;
    }
  }

  /** Starts a sequence item at `indent`: the next line (written deeper) begins with `indent- `. Returns the lead to restore when the item writes nothing. */
  startItem(indent: string): string | undefined {
    const outer = this.lead;
    const own = `${indent}- `;
    this.lead = outer === undefined ? own : outer + own.slice(outer.length);
    return outer;
  }

  /** True, and the outer lead restored, when nothing was written since `startItem`. */
  itemWasEmpty(outer: string | undefined, indent: string): boolean {
    const own = `${indent}- `;
    if (this.lead !== (outer === undefined ? own : outer + own.slice(outer.length))) return false;
    this.lead = outer;
    return true;
  }
}

/**
 * A mapping member's value written with an anchor: `key: &name`, then the value. The value is a
 * non-empty sequence or mapping; `name` is a YAML anchor name the caller keeps unique in the file.
 */
export class Anchored {
  constructor(
    readonly name: string,
    readonly value: object,
  ) {}
}

/** A mapping member's value written as an alias of an anchor written earlier in the file: `key: *name`. */
export class Alias {
  constructor(readonly name: string) {}
}

/** A JSON-like value (as a JSON round trip would leave it): undefined members dropped, undefined items and non-finite numbers null. */
function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function plainScalar(value: unknown): string {
  if (typeof value === 'string') return scalar(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  return 'null';
}

function emitItem(item: object, indent: string, out: Lines): void {
  const outer = out.startItem(indent);
  emit(item, `${indent}  `, out);
  if (out.itemWasEmpty(outer, indent)) out.line(indent, `- ${Array.isArray(item) ? '[]' : '{}'}`);
}

function emit(value: object, indent: string, out: Lines): void {
  if (Array.isArray(value)) {
    for (const item of value as readonly unknown[]) {
      if (isObject(item)) out.item(item, indent);
      else out.line(indent, `- ${plainScalar(item)}`);
    }
    return;
  }
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (isBlock(v)) {
      out.line(indent, `${key(k)}: |-`);
      for (const l of v.split('\n')) out.line(l === '' ? '' : `${indent}  `, l);
    } else if (v instanceof Alias) out.line(indent, `${key(k)}: *${v.name}`);
    else if (v instanceof Anchored) {
      out.line(indent, `${key(k)}: &${v.name}`);
      emit(v.value, Array.isArray(v.value) ? indent : `${indent}  `, out);
    } else if (isObject(v)) {
      const empty = Array.isArray(v) ? v.length === 0 : !hasMembers(v);
      if (empty) out.line(indent, `${key(k)}: ${Array.isArray(v) ? '[]' : '{}'}`);
      else {
        out.line(indent, `${key(k)}:`);
        emit(v, Array.isArray(v) ? indent : `${indent}  `, out);
      }
    } else out.line(indent, `${key(k)}: ${plainScalar(v)}`);
  }
}

/** True when a mapping has a member a JSON round trip keeps. */
function hasMembers(value: object): boolean {
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') return true;
  }
  return false;
}

/** YAML text of `data` (plain mappings, sequences and scalars; undefined members left out), ending in a newline. */
export function toYaml(data: unknown): string {
  if (!isObject(data)) return `${plainScalar(data)}\n`;
  const out = new Lines();
  emit(data, '', out);
  return out.text === '' ? '\n' : out.text;
}
