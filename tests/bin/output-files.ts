/** Reads an output directory back for the `slo generate` output tests. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file of the output (path → content), without the writer's own `.slo-*` entries. */
export function outputFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      if (!rel && name.startsWith('.slo-')) continue;
      const path = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else files[path] = readFileSync(join(dir, path), 'utf8');
    }
  };
  walk('');
  return files;
}

/** The writer's own entries at the top of the output directory. */
export function writerEntries(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.startsWith('.slo-'))
    .sort();
}

/** How a spawned CLI ended. */
export interface Spawned {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** Starts `node bin/slo.js <args>` as its own process (the built CLI), in the repository root. */
export function spawnCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { pid: number; done: Promise<Spawned>; exited: () => boolean } {
  const child = spawn(process.execPath, ['bin/slo.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exited = false;
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Spawned>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      exited = true;
      resolve({ code, signal, out, err });
    });
  });
  return { pid: child.pid!, done, exited: () => exited };
}
