/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process (so timings and peak memory
 * do not leak between them) and prints their figures. Goals are printed beside the figures;
 * nothing here fails a build.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = __dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
for (const f of files) {
  process.stdout.write(`\n== ${f.replace(/\.bench\.ts$/, '')}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, f)], { stdio: 'inherit', cwd: join(dir, '..') });
  if (r.status !== 0) process.stdout.write(`(exited with ${r.status})\n`);
}
