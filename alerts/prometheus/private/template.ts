/**
 * Expands the small subset of Prometheus' alert templates the generated rules use, so generated
 * promtool tests can state the exact annotations promtool will render. Anything else throws:
 * a new template form must be taught here first.
 */
import { boundedMemo } from '../../../slos/memo';

/** `{{ $labels.x }}`, `{{ $value }}` and `{{ printf "%.Nf" $value }}`. */
export function expandTemplate(text: string, labels: Readonly<Record<string, string>>, value: number | undefined): string {
  // most annotations (summaries, links) hold no template, and are new strings for every SLO: they
  // would only miss and evict in the memo of compiled templates
  if (!text.includes('{{')) return text;
  let out = '';
  for (const part of compiled(text, () => compile(text))) {
    if (typeof part === 'string') out += part;
    else if ('label' in part) out += labels[part.label] ?? '<no value>';
    else if ('unsupported' in part) throw new Error(`template form not supported by the test generator: {{ ${part.unsupported} }}`);
    else out += printedValue(part, need(value, part.inner));
  }
  return out;
}

/**
 * What `expandTemplate(text, labels, value)` writes of `value`: each `{{ $value }}` and `printf` of
 * it, in order. With the same text and labels, two values of one key expand to the same string
 * (1.02 and 1.04 both print as `1.0` with `printf "%.1f"`).
 */
export function valueKey(text: string, value: number): string {
  if (!text.includes('{{')) return '';
  let key = '';
  for (const part of compiled(text, () => compile(text)))
    if (typeof part !== 'string' && 'inner' in part) key += `${printedValue(part, value)} `;
  return key;
}

/** `value` as a `{{ $value }}` or `{{ printf "%.Nf" $value }}` part prints it. */
function printedValue(part: { readonly decimals: number | undefined }, value: number): string {
  return part.decimals === undefined ? goDefault(value) : value.toFixed(part.decimals);
}

/** A piece of a template: literal text, a label, the value (printed with `decimals`, or Go's default), or a form this file cannot expand. */
type TemplatePart =
  | string
  | { readonly label: string }
  | { readonly inner: string; readonly decimals: number | undefined }
  | { readonly unsupported: string };

/** Templates split into parts once: every assertion of every scenario expands the same few annotations. */
const compiled = boundedMemo<readonly TemplatePart[]>(4096);

function compile(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{\{\s*(.*?)\s*\}\}/g)) {
    const inner = m[1]!;
    parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const label = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(inner);
    const printf = /^printf "%\.(\d)f" \$value$/.exec(inner);
    if (label) parts.push({ label: label[1]! });
    else if (inner === '$value') parts.push({ inner, decimals: undefined });
    else if (printf) parts.push({ inner, decimals: Number(printf[1]) });
    else parts.push({ unsupported: inner });
  }
  parts.push(text.slice(last));
  return parts;
}

/** True when `printf "%.Nf"` of `value` sits so close to a rounding tie that Go and JS could differ. */
export function nearRoundingTie(value: number, decimals: number): boolean {
  const scaled = value * 10 ** decimals;
  return Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6;
}

/** The decimals of every `printf "%.Nf" $value` in `text`. */
export function printfDecimals(text: string): readonly number[] {
  // as in expandTemplate: most annotations have no printf, and are new strings for every SLO
  if (!text.includes('printf')) return NO_DECIMALS;
  return decimalsOf(text, () => [...text.matchAll(/printf "%\.(\d)f" \$value/g)].map((m) => Number(m[1])));
}

const NO_DECIMALS: readonly number[] = Object.freeze([]);

/** printfDecimals by text: asked again for every predicted alert value. */
const decimalsOf = boundedMemo<readonly number[]>(4096);

function need(value: number | undefined, what: string): number {
  if (value === undefined) throw new Error(`{{ ${what} }} needs the alert value`);
  return value;
}

/** Go's `%v` of a float64 for the values the tests use (integers and short decimals). */
function goDefault(value: number): string {
  return String(value);
}
