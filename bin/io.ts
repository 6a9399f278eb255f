/** Output streams of the CLI, injectable so tests can capture them. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The process' own stdout and stderr. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/**
 * Marks a usage error. The built CLI is one file per command beside the dispatcher, each with its
 * own copy of this module, so the dispatcher recognizes a usage error by this registered symbol
 * rather than by which copy of the class made it.
 */
const USAGE_ERROR = Symbol.for('slo-platform.UsageError');

/** A usage error: exit code 2. `instanceof` holds for one thrown by any copy of the class. */
export class UsageError extends Error {
  readonly [USAGE_ERROR] = true;
  override readonly name = 'UsageError';

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [USAGE_ERROR]?: unknown })[USAGE_ERROR] === true;
  }
}

/**
 * What the machine refused, by system error code: a file the user may not write, a full disk. The
 * user's to fix, and a stack trace would only hide which path it was.
 */
const REFUSALS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
};

/**
 * One line for a system error the machine raised against the user's paths (see `REFUSALS`), such
 * as `cannot mkdir /srv/out: permission denied`; undefined for any other error, which stays a
 * crash with its stack trace.
 */
export function refusedBySystem(e: unknown): string | undefined {
  const { code, syscall, path } = (e ?? {}) as NodeJS.ErrnoException;
  const why = code === undefined ? undefined : REFUSALS[code];
  if (why === undefined || syscall === undefined) return undefined;
  return `cannot ${syscall}${path === undefined ? '' : ` ${path}`}: ${why}`;
}

/** Exit codes of the CLI contract. */
export const EXIT = Object.freeze({ ok: 0, invalid: 1, usage: 2 });
