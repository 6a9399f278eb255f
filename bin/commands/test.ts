/** `slo test`: delivered by its own issue. */
import type { CliIo } from '../io';

/** Runs `slo test`. */
export function test(_args: string[], io: CliIo): number {
  io.err('slo test: not available in this build');
  return 2;
}
