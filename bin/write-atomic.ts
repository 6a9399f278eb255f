/**
 * Writes a set of files as one unit: everything goes to a temporary sibling directory first,
 * which then replaces the output directory by rename. A failure leaves the old output untouched.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Artifact } from '../slos/artifact';

/** Replaces `outDir` with exactly `artifacts`. */
export function writeArtifactsAtomically(outDir: string, artifacts: readonly Artifact[]): void {
  const target = resolve(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = `${target}.tmp-${process.pid}`;
  const previous = `${target}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const a of artifacts) {
      if (a.path.startsWith('/') || a.path.split('/').includes('..'))
        throw new Error(`artifact path escapes the output directory: ${a.path}`);
      const file = join(staging, a.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, a.content);
    }
    mkdirSync(staging, { recursive: true });
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
    rmSync(previous, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(previous)) renameSync(previous, target);
    throw e;
  }
}
