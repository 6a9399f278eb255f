/**
 * How long Prometheus must keep samples for the generated rules to read complete windows. Prometheus
 * keeps 15 days by default (`--storage.tsdb.retention.time`), shorter than every supported SLO
 * window, so the whole-window SLI and the remaining budget would silently cover only the last 15
 * days.
 */
import { BASE_RATE_WINDOW_SECONDS } from './burn-rate';
import { formatDuration } from './duration';
import type { Slo, SloCatalog } from './model';

/** The retention a catalog needs, and the SLO that needs it. */
export interface RequiredRetention {
  readonly seconds: number;
  /** As a Prometheus duration in whole days, e.g. `31d`. */
  readonly duration: string;
  /** The SLO with the longest window (the first in catalog order among equals). */
  readonly slo: Slo;
}

/**
 * The retention the longest SLO window needs: the window itself plus the base rate window its
 * whole-window ratio is summed from (the oldest recorded 5 m rate reads 5 m of raw samples before
 * the window starts), rounded up to whole days so an operator can read it. Undefined for an empty
 * catalog.
 */
export function requiredRetention(catalog: SloCatalog): RequiredRetention | undefined {
  const longest = catalog.slos.reduce<Slo | undefined>((a, s) => (a && a.windowSeconds >= s.windowSeconds ? a : s), undefined);
  if (!longest) return undefined;
  const days = Math.ceil((longest.windowSeconds + BASE_RATE_WINDOW_SECONDS) / 86400);
  return { seconds: days * 86400, duration: formatDuration(days * 86400), slo: longest };
}
