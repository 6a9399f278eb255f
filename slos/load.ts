/** The thin I/O edge of `slos/`: reads spec files and the docs table from disk. Never writes. */
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { buildCatalog, type CatalogResult, type InputFile } from './catalog';
import { checkDocs } from './docs-targets';
import type { Problem } from './problems';
import { sortProblems } from './problems';

const SPEC_FILE = /\.ya?ml$/;

/** Paths are shown relative to the working directory, as editors and CI annotations expect. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * Largest input file read (specs, environments, docs): far above any real spec file, small enough
 * that a path to a huge file fails at once instead of filling memory.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * Reads UTF-8 text strictly: invalid bytes are an error (with their line and column), not
 * replacement characters. Only regular files are read: a FIFO would block the read forever, a
 * device or socket is no spec; each is refused with a one-line message, as is a file that cannot
 * be opened (missing, unreadable, a symlink loop). The file is opened non-blocking and checked
 * again on the open descriptor, so a path swapped for a FIFO in between cannot block either.
 */
export function readUtf8(path: string): { text: string } | { error: string; line?: number; col?: number } {
  const shown = displayPath(path);
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    return { error: cannotRead(shown, e) };
  }
  if (st.isDirectory()) return { error: `${shown} is a directory, not a spec file` };
  if (!st.isFile()) return { error: notRegular(shown, st) };
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { error: notRegular(shown, opened) };
    if (opened.size > MAX_INPUT_BYTES)
      return {
        error: `${shown} is ${opened.size} bytes; allowed: at most ${MAX_INPUT_BYTES} bytes (${MAX_INPUT_BYTES / 1024 / 1024} MiB)`,
      };
    bytes = readFileSync(fd);
  } catch (e) {
    return { error: cannotRead(shown, e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    const line = bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1;
    const col = offset - lineStart + 1;
    const byte = `0x${bytes[offset]?.toString(16).padStart(2, '0') ?? '??'}`;
    return {
      error: `${displayPath(path)} is not utf-8 text: byte ${byte} at offset ${offset} is invalid; save the file as utf-8`,
      line,
      col,
    };
  }
}

/** Lists and reads every `*.yaml`/`*.yml` in `dir`; an empty or missing directory is a problem. */
export function readSpecDir(dir: string): { files: InputFile[]; problems: Problem[] } {
  const shown = displayPath(dir);
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      return { files: [], problems: [{ file: shown, line: 1, col: 1, field: '', message: `${shown} is not a directory`, rule: 'file' }] };
    }
    names = readdirSync(dir)
      .filter((n) => SPEC_FILE.test(n) && !n.startsWith('.'))
      .sort();
  } catch (e) {
    const message =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? `slo directory ${shown} does not exist`
        : cannotRead(shown, e).replace(/^cannot read/, 'cannot read slo directory');
    return { files: [], problems: [{ file: shown, line: 1, col: 1, field: '', message, rule: 'file' }] };
  }
  if (names.length === 0) {
    return {
      files: [],
      problems: [
        { file: shown, line: 1, col: 1, field: '', message: `no slo specs (*.yaml) in ${shown}; add at least one`, rule: 'empty' },
      ],
    };
  }
  const files = names.map((n): InputFile => {
    const path = join(dir, n);
    const read = readUtf8(path);
    return 'text' in read ? { file: displayPath(path), text: read.text } : { file: displayPath(path), ...read };
  });
  return { files, problems: [] };
}

/** Options of a full validation run. */
export interface ValidateOptions {
  /** Directory of the specs. */
  readonly slosDir: string;
  /** The documented targets; the check is skipped only when this is undefined. */
  readonly docsFile?: string;
}

/** Loads and validates the specs and, when given, checks them against the docs table. */
export function loadCatalog(opts: ValidateOptions): CatalogResult {
  const dir = readSpecDir(opts.slosDir);
  if (dir.problems.length > 0) return { problems: dir.problems };
  const result = buildCatalog(dir.files);
  if (!opts.docsFile) return result;
  const warnings = result.warnings ?? [];
  const docs = readUtf8(opts.docsFile);
  if ('error' in docs) {
    const problem: Problem = { file: displayPath(opts.docsFile), line: 1, col: 1, field: '', message: docs.error, rule: 'docs' };
    return { problems: sortProblems([...result.problems, problem]), warnings };
  }
  if (!result.catalog) return result;
  const problems = checkDocs(displayPath(opts.docsFile), docs.text, result.catalog);
  return problems.length > 0 ? { problems: sortProblems(problems), warnings } : result;
}

/** Why a path could not be opened, in words, from the system error code. */
function cannotRead(shown: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ELOOP: 'a symbolic link loop',
    ENAMETOOLONG: 'the path is too long',
    ENOTDIR: 'a part of the path is not a directory',
    EISDIR: 'it is a directory',
  };
  return `cannot read ${shown}: ${(code && why[code]) ?? `system error ${code ?? String(e)}`}`;
}

/** The refusal of a path that is not a regular file. */
function notRegular(shown: string, st: Stats): string {
  const kind = st.isFIFO()
    ? 'a named pipe (fifo)'
    : st.isSocket()
      ? 'a socket'
      : st.isCharacterDevice() || st.isBlockDevice()
        ? 'a device'
        : 'not a regular file';
  return `${shown} is ${kind}; only regular files are read`;
}

/** Offset of the first byte that breaks UTF-8 (a bad lead byte or a missing continuation byte). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
