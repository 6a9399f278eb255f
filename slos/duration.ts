/** Prometheus-style durations (`5m`, `6h`, `3d`, `1w`) to and from seconds. */

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses a single-unit Prometheus duration such as `30m` or `28d` into seconds. */
export function parseDuration(text: string): number {
  const known = PARSED.get(text);
  if (known !== undefined) return known;
  const m = /^(\d+)([smhdw])$/.exec(text);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(text)} (expected e.g. 5m, 6h, 30d)`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  // The renderers parse the same few windows millions of times at 10,000 SLOs.
  if (PARSED.size < MAX_PARSED) PARSED.set(text, seconds);
  return seconds;
}

/** Seconds per unit of the durations Prometheus and Alertmanager read in their configuration and queries. */
const ANY_UNIT_SECONDS: Record<string, number> = { ms: 0.001, ...UNIT_SECONDS, y: 31536000 };

/**
 * Seconds of any Prometheus duration, compound ones (`1h30m`) and `ms`/`y` included, as
 * Prometheus and Alertmanager write them in their configuration and range selectors (specs use
 * the single-unit {@link parseDuration}).
 */
export function prometheusDurationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a Prometheus duration: ${JSON.stringify(text)}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * ANY_UNIT_SECONDS[p[2]!]!, 0);
}

/** Durations parsed so far; bounded, so hostile input cannot grow it without end. */
const PARSED = new Map<string, number>();
const MAX_PARSED = 1024;

/**
 * Formats seconds as the shortest exact Prometheus duration (`300` → `5m`, `259200` → `3d`).
 * Days are kept as days (`28d`, not `4w`) so names stay readable.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`not a positive whole number of seconds: ${seconds}`);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** Human form for docs and `slo explain`: `1h 40m 48s`, `52s`, `7d`. */
export function humanDuration(seconds: number): string {
  const total = Math.round(seconds);
  if (total === 0) return '0s';
  const parts: string[] = [];
  let rest = total;
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join(' ');
}
