/**
 * Whether a directory can be made at a path the user named with `--out`, asked before `mkdir`,
 * whose system error (a stack trace from the CLI) would otherwise be all the user sees.
 */
import { existsSync, lstatSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why no directory can be made at `path`, or undefined when one exists there or can be made:
 * the nearest of it and its parents that exists is a non-directory above it, or a symbolic link
 * whose target does not exist. (A non-directory at `path` itself is left to the caller, which
 * words that refusal its own way.)
 */
export function blockedPath(path: string): string | undefined {
  const absolute = resolve(path);
  for (let p = absolute; ; p = dirname(p)) {
    let stat: Stats | undefined;
    try {
      stat = lstatSync(p);
    } catch (e) {
      // ENOTDIR: a parent of p is a file, found further up
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    if (stat?.isSymbolicLink() && !existsSync(p)) return `a path through the symbolic link ${p}, whose target does not exist`;
    if (stat) return p === absolute || statSync(p).isDirectory() ? undefined : `a path below ${p}, which is not a directory`;
    if (dirname(p) === p) return undefined;
  }
}
