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

/** A usage error: exit code 2. */
export class UsageError extends Error {}

/** Exit codes of the CLI contract. */
export const EXIT = Object.freeze({ ok: 0, invalid: 1, usage: 2 });
