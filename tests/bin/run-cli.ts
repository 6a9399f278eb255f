/** Runs the `slo` CLI in-process with captured output, for the CLI contract tests. */
import type { CliIo } from '../../bin/io';
import { main } from '../../bin/slo';

/** Exit code and output of one CLI run. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `slo <argv>` and returns its exit code, stdout and stderr. */
export async function runCli(...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) };
  const code = await main(argv, io);
  return { code, out, err };
}
