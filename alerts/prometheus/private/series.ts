/** Input series for promtool tests: sample values in promtool's expanding notation. */

/** A number as promtool reads it: plain decimal, no exponent, no float noise. */
export function formatSample(x: number): string {
  if (Number.isInteger(x)) return String(x);
  // toFixed(12) without its trailing zeros and then a trailing point (a loop: regexes cost more here)
  const fixed = x.toFixed(12);
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48) end--;
  if (fixed.charCodeAt(end - 1) === 46) end--;
  const out = fixed.slice(0, end);
  return out === '-0' ? '0' : out;
}

/**
 * Compresses sample values into expanding notation: runs of equal values as `vxn`, runs of a
 * constant step as `a+dxn` (only when promtool's rebuilt values match to 1e-12, so no drift).
 */
export function expandingNotation(values: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    const a = values[i]!;
    if (i + 1 >= values.length) {
      parts.push(formatSample(a));
      break;
    }
    const step = Number(formatSample(values[i + 1]! - a));
    let j = i + 1;
    while (j < values.length && Math.abs(a + (j - i) * step - values[j]!) <= 1e-12 * Math.max(1, Math.abs(values[j]!))) j++;
    const n = j - i - 1;
    if (n < 2) {
      parts.push(formatSample(a));
      i++;
      continue;
    }
    if (step === 0) parts.push(`${formatSample(a)}x${n}`);
    else parts.push(`${formatSample(a)}${step > 0 ? '+' : '-'}${formatSample(Math.abs(step))}x${n}`);
    i = j;
  }
  return parts.join(' ');
}

/** A series selector string: `name{a="1", b="2"}` with sorted labels. */
export function seriesSelector(name: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ');
  return `${name}{${body}}`;
}

/** Parses an equality-only label selector body (`job="api", route_class="light"`); undefined when it uses other matchers. */
export function equalityMatchers(selector: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  const rest = selector.trim();
  if (rest === '') return out;
  let pos = 0;
  re.lastIndex = 0;
  while (pos < rest.length) {
    re.lastIndex = pos;
    const m = re.exec(rest);
    if (!m || m[2] !== '=') return undefined;
    out[m[1]!] = JSON.parse(`"${m[3]!}"`) as string;
    pos = re.lastIndex;
  }
  return out;
}
