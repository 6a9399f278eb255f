/**
 * Expands the small subset of Prometheus' alert templates the generated rules use, so generated
 * promtool tests can state the exact annotations promtool will render. Anything else throws:
 * a new template form must be taught here first.
 */

/** `{{ $labels.x }}`, `{{ $value }}` and `{{ printf "%.Nf" $value }}`. */
export function expandTemplate(text: string, labels: Readonly<Record<string, string>>, value: number | undefined): string {
  return text.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, inner: string) => {
    const label = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(inner);
    if (label) return labels[label[1]!] ?? '<no value>';
    if (inner === '$value') return goDefault(need(value, inner));
    const printf = /^printf "%\.(\d)f" \$value$/.exec(inner);
    if (printf) return need(value, inner).toFixed(Number(printf[1]));
    throw new Error(`template form not supported by the test generator: {{ ${inner} }}`);
  });
}

/** True when `printf "%.Nf"` of `value` sits so close to a rounding tie that Go and JS could differ. */
export function nearRoundingTie(value: number, decimals: number): boolean {
  const scaled = value * 10 ** decimals;
  return Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6;
}

/** The decimals of every `printf "%.Nf" $value` in `text`. */
export function printfDecimals(text: string): number[] {
  return [...text.matchAll(/printf "%\.(\d)f" \$value/g)].map((m) => Number(m[1]));
}

function need(value: number | undefined, what: string): number {
  if (value === undefined) throw new Error(`{{ ${what} }} needs the alert value`);
  return value;
}

/** Go's `%v` of a float64 for the values the tests use (integers and short decimals). */
function goDefault(value: number): string {
  return String(value);
}
