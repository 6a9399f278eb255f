/** `slo explain`: delivered by its own issue. */
import type { CliIo } from '../io';

/** Runs `slo explain`. */
export function explain(_args: string[], io: CliIo): number {
  io.err('slo explain: not available in this build');
  return 2;
}
