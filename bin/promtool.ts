/**
 * Finding promtool, apart from the test command, so that code needing only the executable (the
 * suites that run promtool themselves) does not load the generator behind `slo test`.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What to tell a user without promtool. */
export const PROMTOOL_INSTALL_HINT =
  'promtool not found: set PROMTOOL to its path or put it on PATH. Install it with `apt-get install prometheus` ' +
  '(Debian/Ubuntu; promtool 2.42 or later) or from https://prometheus.io/download/.';

/** The promtool executable: `$PROMTOOL` when set (it must be executable), else the first on PATH. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.PROMTOOL;
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'promtool');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** True when `path` is a file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
