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
import { utf8Text } from '../../../slos/artifact';

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

/** True when a string is written plain (unquoted). */
function isPlain(value: string): boolean {
  return PLAIN.test(value) && !RESERVED.test(value);
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

/** Capacity of the first output buffer; it doubles as needed and is reused by the next document. */
const INITIAL_CAPACITY = 1 << 16;

/** Strings up to this long are copied into the output a character at a time while they are ASCII. */
const ASCII_LOOP_CHARS = 64;

/** The buffer a finished document left, taken by the next one (documents are written one at a time). */
let spare: Buffer | undefined;

/**
 * Appends YAML lines, as UTF-8, to one growing buffer. A promtool test file of 1,000 SLOs' catalog
 * is 300 kB of text built from tens of thousands of short pieces: concatenated into a string, the
 * pieces were garbage and the string had to be flattened and encoded again for the write.
 *
 * `lead` replaces the leading columns of the next line written: a sequence item that is a mapping
 * (or a sequence) starts with `- ` on its first line, written in place rather than by copying the
 * nested lines at every level. Each string is written whole (never split between the halves of a
 * surrogate pair), so the bytes are those of the text the pieces join to.
 */
class Output {
  /** Bytes written so far. */
  length = 0;
  private buffer: Buffer = spare ?? Buffer.allocUnsafeSlow(INITIAL_CAPACITY);
  private lead: string | undefined;

  /**
   * @param items the sequence items met in this document: null once, their bytes from the second
   *   time on (see `item`)
   */
  constructor(private readonly items = new WeakMap<object, { indent: string; bytes: Uint8Array } | null>()) {
    spare = undefined;
  }

  /**
   * Writes a sequence item that is a mapping or a sequence. An item object met again at the same
   * indent, not inside another item's first line, is written once and its bytes reused: a test
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
      const from = this.length;
      emitItem(item, indent, this);
      this.items.set(item, { indent, bytes: new Uint8Array(this.buffer.subarray(from, this.length)) });
    } else if (seen.indent === indent) this.bytes(seen.bytes);
    else emitItem(item, indent, this);
  }

  /** Starts a line at `indent` (spaces), or at the pending lead of a sequence item. */
  begin(indent: string): void {
    const lead = this.lead;
    if (lead === undefined) return this.text(indent);
    // a lead stands for the first columns of the item's first line, which are that deep
    if (lead.length > indent.length)
      throw new Error(`internal: a sequence item's lead (${lead.length}) is deeper than its line (${indent.length})`);
    this.text(lead);
    this.text(indent.slice(lead.length));
    this.lead = undefined;
  }

  /**
   * Appends a string (the UTF-8 encoding of it). Most pieces are short and ASCII (keys, indents,
   * `: `), and copied a character at a time they cost less than a call to `Buffer#write` each (the
   * test files of 1,000 SLOs: about 0.3 s against 0.45 s).
   */
  text(s: string): void {
    this.reserve(s.length * 3);
    if (s.length <= ASCII_LOOP_CHARS) {
      const buffer = this.buffer;
      let at = this.length;
      let i = 0;
      for (let c = 0; i < s.length && (c = s.charCodeAt(i)) < 0x80; i++) buffer[at++] = c;
      if (i === s.length) {
        this.length = at;
        return;
      }
    }
    this.length += this.buffer.write(s, this.length);
  }

  /**
   * Appends `quoted(s)`. Printable ASCII, the common case (series selectors, sample values), is
   * copied with `"` and `\` escaped as JSON escapes them (a long string with nothing to escape in
   * one call); anything else goes through `quoted`.
   */
  quoted(s: string): void {
    this.reserve(2 * s.length + 2);
    const buffer = this.buffer;
    let at = this.length;
    buffer[at++] = 0x22;
    if (s.length > ASCII_LOOP_CHARS && PRINTABLE_ASCII_UNESCAPED.test(s)) {
      // a long string with nothing to escape (sample values): one call copies it
      at += buffer.write(s, at);
      buffer[at++] = 0x22;
      this.length = at;
      return;
    }
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) return this.text(quoted(s));
      if (c === 0x22 || c === 0x5c) buffer[at++] = 0x5c;
      buffer[at++] = c;
    }
    buffer[at++] = 0x22;
    this.length = at;
  }

  /** Ends the line. */
  end(): void {
    this.reserve(1);
    this.buffer[this.length++] = 0x0a;
  }

  /** A whole line: `indent` and `body`. */
  line(indent: string, body: string): void {
    this.begin(indent);
    this.text(body);
    this.end();
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

  /** The document's bytes, in a buffer of their own; this output's buffer goes to the next document. */
  finish(): Uint8Array {
    const bytes = new Uint8Array(this.buffer.subarray(0, this.length));
    spare = this.buffer;
    this.length = 0;
    return bytes;
  }

  private bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }

  /** Makes room for `size` more bytes. */
  private reserve(size: number): void {
    if (this.length + size <= this.buffer.length) return;
    const larger = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, this.length + size));
    this.buffer.copy(larger, 0, 0, this.length);
    this.buffer = larger;
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

/** Writes a scalar as `plainScalar` spells it, a string's quotes and text without joining them first. */
function writeScalar(value: unknown, out: Output): void {
  if (typeof value !== 'string') return out.text(plainScalar(value));
  if (isPlain(value)) out.text(value);
  else out.quoted(value);
}

/** Writes a mapping key: plain when it is an identifier, else quoted. */
function writeKey(k: string, out: Output): void {
  if (PLAIN_KEY.test(k)) out.text(k);
  else out.quoted(k);
}

function plainScalar(value: unknown): string {
  if (typeof value === 'string') return isPlain(value) ? value : quoted(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  return 'null';
}

function emitItem(item: object, indent: string, out: Output): void {
  const outer = out.startItem(indent);
  emit(item, `${indent}  `, out);
  if (out.itemWasEmpty(outer, indent)) out.line(indent, `- ${Array.isArray(item) ? '[]' : '{}'}`);
}

function emit(value: object, indent: string, out: Output): void {
  if (Array.isArray(value)) {
    for (const item of value as readonly unknown[]) {
      if (isObject(item)) out.item(item, indent);
      else {
        out.begin(indent);
        out.text('- ');
        writeScalar(item, out);
        out.end();
      }
    }
    return;
  }
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out.begin(indent);
    writeKey(k, out);
    if (isBlock(v)) {
      out.text(': |-');
      out.end();
      const deeper = `${indent}  `;
      for (const l of v.split('\n')) out.line(l === '' ? '' : deeper, l);
    } else if (v instanceof Alias) {
      out.text(': *');
      out.text(v.name);
      out.end();
    } else if (v instanceof Anchored) {
      out.text(': &');
      out.text(v.name);
      out.end();
      emit(v.value, Array.isArray(v.value) ? indent : `${indent}  `, out);
    } else if (isObject(v)) {
      const empty = Array.isArray(v) ? v.length === 0 : !hasMembers(v);
      if (empty) out.text(Array.isArray(v) ? ': []' : ': {}');
      else out.text(':');
      out.end();
      if (!empty) emit(v, Array.isArray(v) ? indent : `${indent}  `, out);
    } else {
      out.text(': ');
      writeScalar(v, out);
      out.end();
    }
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

/**
 * YAML of `data` (plain mappings, sequences and scalars; undefined members left out) as UTF-8
 * bytes, ending in a newline: the bytes of `toYaml(data)`, written without building the text.
 */
export function toYamlBytes(data: unknown): Uint8Array {
  const out = new Output();
  if (isObject(data)) emit(data, '', out);
  else out.line('', plainScalar(data));
  if (out.length === 0) out.end();
  return out.finish();
}

/** YAML text of `data` (plain mappings, sequences and scalars; undefined members left out), ending in a newline. */
export function toYaml(data: unknown): string {
  return utf8Text(toYamlBytes(data));
}
