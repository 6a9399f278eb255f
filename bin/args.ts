/** Argument parsing shared by the commands, on node's own `util.parseArgs`. */
import { parseArgs } from 'node:util';
import { UsageError } from './io';

type Options = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;

/** Parses `args` strictly; unknown options and stray positionals are usage errors. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: positionals > 0,
      strict: true,
    });
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // node's messages end with advice that does not fit this CLI; keep the fact. (They keep node's
    // capital first letter: other commands' tests pin that text.)
    throw new UsageError(
      (e as Error).message
        .replace(/\. To specify .*$/s, '')
        .replace(/\. This command does not take positional arguments$/, '; no positional arguments are allowed'),
    );
  }
}

/** Reads a `--format` value and checks it against the allowed ones. */
export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}
