/** The thin I/O edge of `slos/`: reads spec files and the docs table from disk. Never writes. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Reads UTF-8 text strictly: invalid bytes are an error (with their line and column), not replacement characters. */
export function readUtf8(path: string): { text: string } | { error: string; line?: number; col?: number } {
  let st;
  try {
    st = statSync(path);
  } catch {
    return { error: `cannot read ${displayPath(path)}: no such file` };
  }
  if (st.isDirectory()) return { error: `${displayPath(path)} is a directory, not a spec file` };
  const bytes = readFileSync(path);
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
  } catch {
    return {
      files: [],
      problems: [{ file: shown, line: 1, col: 1, field: '', message: `slo directory ${shown} does not exist`, rule: 'file' }],
    };
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
