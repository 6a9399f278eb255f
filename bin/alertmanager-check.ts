/**
 * The Alertmanager half of `slo test`: `amtool check-config` on the generated configuration, then
 * the generated routing test, one `amtool config routes test` per alert the rule files can emit,
 * each of which must resolve to exactly the receiver of its severity. amtool is required when
 * there is an Alertmanager configuration to test: missing, it fails with an install hint.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import type { RoutingTestFile } from '../alerts/servers/artifacts';

/** What to tell a user without amtool. */
export const AMTOOL_INSTALL_HINT =
  'amtool not found: set AMTOOL to its path or put it on PATH. Install it with `apt-get install prometheus-alertmanager` ' +
  '(Debian/Ubuntu; Alertmanager 0.25 or later) or from https://prometheus.io/download/.';

/** The amtool executable: `$AMTOOL` when set (it must be executable), else the first on PATH. */
export function findAmtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (env.AMTOOL) return executable(env.AMTOOL) ? env.AMTOOL : undefined;
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'amtool'))
    .find(executable);
}

/** Result of one amtool run. */
export interface AmtoolRun {
  /** What was checked, for the report. */
  readonly what: string;
  readonly ok: boolean;
  /** Why it failed (empty when ok). */
  readonly detail: string;
}

function run(amtool: string, args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(amtool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Checks the Alertmanager configuration in `dir` and runs its routing test (`routingTestFile`,
 * relative to `dir`): the config check first, then the cases, as many at once as there are CPUs.
 */
export async function checkAlertmanager(amtool: string, dir: string, routingTestFile: string): Promise<AmtoolRun[]> {
  const file = parse(readFileSync(join(dir, routingTestFile), 'utf8')) as RoutingTestFile;
  const config = file.config_file;
  const check = await run(amtool, ['check-config', config], dir);
  const runs: AmtoolRun[] = [
    {
      what: `amtool check-config ${config}`,
      ok: check.code === 0,
      detail: check.code === 0 ? '' : `${check.stdout}${check.stderr}`.trimEnd(),
    },
  ];
  if (check.code !== 0) return runs;
  const queue = [...file.tests];
  const routed: AmtoolRun[] = [];
  const workers = Array.from({ length: Math.max(1, Math.min(availableParallelism(), queue.length)) }, async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      const matchers = Object.entries(c.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      const r = await run(amtool, ['config', 'routes', 'test', `--config.file=${config}`, ...matchers], dir);
      const got = r.stdout.trim();
      const ok = r.code === 0 && got === c.receiver;
      routed.push({
        what: `route of ${matchers.join(' ')}`,
        ok,
        detail: ok ? '' : `expected receiver ${c.receiver}, amtool resolved ${got || `nothing (exit ${r.code}: ${r.stderr.trim()})`}`,
      });
    }
  });
  await Promise.all(workers);
  // A stable report whatever order the parallel runs finished in.
  return [...runs, ...routed.sort((a, b) => a.what.localeCompare(b.what))];
}
