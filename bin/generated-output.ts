/**
 * The output directory of `slo generate`: the one place that decides what it may write, replace
 * and delete there, and how a new generation replaces the old one safely.
 *
 * - **It never deletes or overwrites a file it did not write.** It records what it wrote in
 *   `DIR/.slo-manifest.json` (each path with its SHA-256). A later run replaces or removes only
 *   files listed there and still unchanged. A listed file that was edited since is not destroyed:
 *   when it would be overwritten the run refuses and names it; when it is no longer generated it is
 *   kept, dropped from the manifest and reported. Every other file in DIR is left alone.
 * - **It refuses (a `UsageError`, exit 2) places it must not write to**: the filesystem root, the
 *   home directory or a folder holding it, a git repository root (a folder with `.git`), the
 *   repository root of the current directory or any folder holding it, the spec directory, any
 *   folder holding it and any folder inside it (its `*.yaml` would be read back as specs), a
 *   non-directory, a path below one or through a symbolic link to nothing (no directory can be
 *   made there), and a non-empty directory without a manifest unless `adopt` is set.
 * - **A kill at any moment loses nothing.** The new generation is written and fsynced into
 *   `DIR/.slo-staging/`, then committed by one rename to `DIR/.slo-commit/`. Before that rename
 *   DIR holds the complete old output; after it, the complete new output is on disk and the swap
 *   only moves its files into place, the manifest last. The next run first recovers: it finishes
 *   a committed swap (roll forward; every step can be repeated) and discards an uncommitted
 *   staging directory. Between a kill inside the swap and that recovery, DIR mixes old and new
 *   files, and `.slo-commit/` marks it as such.
 * - **Concurrent runs serialize** on `DIR/.slo-lock` (the holder's pid; a dead holder's lock is
 *   broken). A run that cannot get the lock in time fails with `OutputBusyError` and writes
 *   nothing.
 *
 * The crash tests name a step in `SLO_TEST_KILL_AT` to have the process SIGKILL itself there.
 */
import { createHash, type Hash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { version } from '../package.json';
import type { Artifact } from '../slos/artifact';
import { UsageError } from './io';
import { blockedPath } from './private/blocked-path';
import { fileSyncer } from './private/file-syncer';
import { acquireLock, isLeftoverLockTemp, LOCK_FILE, LOCK_TEMP_PREFIX, LockBusyError } from './private/output-lock';

/** The manifest of what `slo generate` wrote, inside the output directory. */
export const MANIFEST_FILE = '.slo-manifest.json';
/** A generation being written; discarded by recovery. */
const STAGING_DIR = '.slo-staging';
/** A committed generation being moved into place; finished by recovery. */
const COMMIT_DIR = '.slo-commit';
/** The manifest format this code reads and writes. */
const MANIFEST_FORMAT = 1;
/** Who writes the manifest, so a manifest of another tool is never taken for ours. */
const GENERATOR = 'slo-platform slo generate';
/** How long a run waits for another run on the same directory. */
const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

/** `DIR/.slo-manifest.json`: every file `slo generate` wrote to DIR, with its content hash. */
export interface OutputManifest {
  readonly generator: typeof GENERATOR;
  readonly version: string;
  readonly format: typeof MANIFEST_FORMAT;
  /** Relative path → `sha256:<hex>` of the content written. */
  readonly files: Readonly<Record<string, string>>;
}

/** Where and how to write. */
export interface OutputOptions {
  /**
   * The spec directory: the output may not be it, hold it or lie inside it.
   */
  readonly slosDir: string;
  /**
   * Write into a non-empty directory without a manifest, and overwrite files at generated paths
   * that `slo generate` did not write or that were edited since.
   *
   * @default false - refuse both
   */
  readonly adopt?: boolean;
  /**
   * The directory whose git repository root (and every folder holding it) is refused.
   *
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * The home directory, refused with every folder holding it.
   *
   * @default os.homedir()
   */
  readonly home?: string;
  /**
   * How long to wait for another run writing the same directory.
   *
   * @default 30000 - 30 s
   */
  readonly lockTimeoutMs?: number;
  /**
   * Called before each step that changes the disk, with the step's name; for the crash tests.
   *
   * @default none - `SLO_TEST_KILL_AT=<step>` still SIGKILLs the process at that step
   */
  readonly onStep?: (step: string) => void;
}

/** What a run did. */
export interface OutputResult {
  /** `wrote N files to DIR`, plus the stale files removed. */
  readonly summary: string;
  /** Things the user should know: recovered runs, edited files kept. */
  readonly notes: readonly string[];
}

/** Another run held the output directory's lock too long. */
export class OutputBusyError extends Error {}

/**
 * Refuses an output directory that `slo generate` must not write to (see the module comment).
 * Cheap and without side effects, so the CLI calls it before rendering; the writer calls it again.
 */
export function checkOutputDir(outDir: string, options: OutputOptions): void {
  const refuse = (why: string, advice = 'choose a folder of its own, e.g. --out out') => {
    throw new UsageError(`--out ${outDir}: refusing to write into ${why}; ${advice}`);
  };
  const blocked = blockedPath(outDir);
  if (blocked) refuse(blocked, 'name a directory');
  const out = realPath(outDir);
  if (parse(out).root === out) refuse('the filesystem root');
  const home = realPath(options.home ?? homedir());
  if (isInside(home, out)) refuse(out === home ? 'the home directory' : `a folder holding the home directory ${home}`);
  if (existsSync(join(out, '.git'))) refuse('the root of a git repository');
  const repo = repositoryRoot(realPath(options.cwd ?? process.cwd()));
  if (repo && isInside(repo, out)) refuse(`a folder holding the git repository ${repo}`);
  const slos = realPath(options.slosDir);
  if (isInside(slos, out)) refuse(out === slos ? 'the spec directory' : `a folder holding the spec directory ${slos}`);
  if (isInside(out, slos)) refuse(`a folder inside the spec directory ${slos}, whose *.yaml files are read as specs`);
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) refuse('a file', 'name a directory');
  // A manifest, or a committed swap still in progress, marks the directory as slo generate's own.
  if (options.adopt || existsSync(join(out, MANIFEST_FILE)) || existsSync(join(out, COMMIT_DIR))) return;
  if (readdirSync(out).some((name) => !isOwnName(name)))
    refuse(
      `a non-empty directory that slo generate did not create (it has no ${MANIFEST_FILE})`,
      'choose an empty or new directory, or pass --adopt to write into it (files at generated paths are overwritten, all others kept)',
    );
}

/**
 * An artifact already encoded: its UTF-8 bytes and their hash (worker threads encode and hash
 * what they render, so the writer only writes the bytes).
 */
export interface EncodedArtifact {
  /** Relative path with forward slashes, as `Artifact.path`. */
  readonly path: string;
  /** The file's bytes. */
  readonly bytes: Uint8Array;
  /** `sha256:<hex>` of `bytes`, as the manifest records it (see `manifestHash`). */
  readonly hash: string;
}

/** A generation being written: artifacts are added one at a time, then committed or abandoned. */
export interface GenerationWriter {
  /** Writes one artifact to the staging directory (each step the same as in `writeGeneratedOutput`). */
  add(artifact: Artifact | EncodedArtifact): void;
  /** Commits what was added: the swap, the stale files' deletion, the manifest; releases the lock. */
  finish(): OutputResult;
  /** Discards the staging directory and releases the lock, unless `finish` already ran. */
  abandon(): void;
}

/**
 * Writes `artifacts` to `outDir` as one unit, following the module comment's policy. Throws
 * `UsageError` when refused (nothing written) and `OutputBusyError` when another run holds the
 * directory too long.
 *
 * Artifacts are written to the staging directory as the iterable yields them, so a caller that
 * renders them one at a time never holds the whole output (420 MB at 10,000 SLOs). Whatever stops
 * the run before the commit (a refusal found while staging, a rendering error) discards the staging
 * directory: DIR keeps its complete old output.
 */
export function writeGeneratedOutput(
  outDir: string,
  artifacts: Iterable<Artifact | EncodedArtifact>,
  options: OutputOptions,
): OutputResult {
  const writer = openGeneratedOutput(outDir, options);
  try {
    for (const a of artifacts) writer.add(a);
    return writer.finish();
  } finally {
    writer.abandon();
  }
}

/**
 * writeGeneratedOutput with the artifacts added by the caller, for one that renders them
 * asynchronously (worker threads): takes the lock, recovers DIR and opens the staging directory.
 * The caller adds every artifact, then calls `finish`; on any failure, `abandon`.
 */
export function openGeneratedOutput(outDir: string, options: OutputOptions): GenerationWriter {
  checkOutputDir(outDir, options);
  const dir = realPath(outDir);
  mkdirSync(dir, { recursive: true });
  const step = stepper(options.onStep);
  const release = lock(dir, outDir, options.lockTimeoutMs);
  let stager: Stager;
  let notes: string[];
  let old: Pick<OutputManifest, 'files'>;
  try {
    step('locked');
    notes = recover(dir, outDir, step);
    // Checked again under the lock: a run that finished meanwhile may have changed DIR.
    checkOutputDir(outDir, options);
    old = readManifest(dir, outDir) ?? { files: {} };
    stager = stage(dir, outDir, old.files, options.adopt ?? false, step);
  } catch (e) {
    release();
    throw e;
  }
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    release();
  };
  return {
    add(a) {
      if (!open) throw new Error('internal: artifact added to a generation already finished or abandoned');
      stager.add(a);
    },
    finish() {
      if (!open) throw new Error('internal: generation already finished or abandoned');
      try {
        const written = stager.finish();
        const plan = planStale(dir, old.files, written);
        step('staged');
        renameSync(join(dir, STAGING_DIR), join(dir, COMMIT_DIR));
        fsyncDir(dir);
        step('committed');
        rollForward(dir, step);
        notes.push(
          ...plan.kept.map((p) => `kept ${join(outDir, p)}: it is no longer generated, but was edited since slo generate wrote it`),
        );
        const removed = plan.stale.length > 0 ? `; removed ${plan.stale.length} it wrote before and no longer generates` : '';
        return { summary: `wrote ${written.size} files to ${outDir}${removed}`, notes };
      } finally {
        close();
      }
    },
    abandon() {
      if (!open) return;
      try {
        stager.cancel();
      } finally {
        close();
      }
    },
  };
}

/**
 * Whether DIR holds a swap that a killed run committed but did not finish: its files mix two
 * generations until the next `slo generate` into DIR completes it.
 */
export function isMidSwap(outDir: string): boolean {
  return existsSync(join(outDir, COMMIT_DIR));
}

/**
 * Recovers DIR after an interrupted run, as the next `slo generate` would before writing: a
 * committed generation is moved into place, an uncommitted one discarded. Returns the notes.
 */
export function recoverOutput(outDir: string, options: Pick<OutputOptions, 'lockTimeoutMs' | 'onStep'> = {}): readonly string[] {
  const dir = realPath(outDir);
  if (!existsSync(dir)) return [];
  const release = lock(dir, outDir, options.lockTimeoutMs);
  try {
    return recover(dir, outDir, stepper(options.onStep));
  } finally {
    release();
  }
}

function lock(dir: string, outDir: string, timeoutMs = DEFAULT_LOCK_TIMEOUT_MS): () => void {
  try {
    return acquireLock(dir, timeoutMs);
  } catch (e) {
    if (!(e instanceof LockBusyError)) throw e;
    throw new OutputBusyError(
      `--out ${outDir}: another slo generate (${e.message}) kept writing it for ${(e.waitedMs / 1000).toFixed(1)} s; ` +
        `nothing written. Try again, or delete ${join(outDir, LOCK_FILE)} if no slo generate runs`,
    );
  }
}

/** Names of DIR's top level that belong to the writer, not to the output. */
function isOwnName(name: string): boolean {
  return name === MANIFEST_FILE || name === STAGING_DIR || name === COMMIT_DIR || name === LOCK_FILE || name.startsWith(LOCK_TEMP_PREFIX);
}

/** An artifact path stays inside DIR, never uses the writer's own names, and is not written twice. */
function checkPath(path: string, seen: ReadonlyMap<string, string>): void {
  const parts = path.split('/');
  if (path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..') || isOwnName(parts[0]!))
    throw new Error(`artifact path is not a plain relative path inside the output directory: ${path}`);
  if (seen.has(path)) throw new Error(`two artifacts share the path ${path}`);
}

/** What the swap will delete, and the edited stale files it keeps. */
interface SwapPlan {
  readonly stale: readonly string[];
  readonly kept: readonly string[];
}

/**
 * Decides that writing `a` over DIR destroys nothing it may not: a generated path held by a file
 * slo generate did not write (or an edited one) is a conflict, returned, unless adopting; by a
 * directory or symbolic link it is refused at once.
 */
function conflictOf(dir: string, outDir: string, written: Readonly<Record<string, string>>, path: string, hash: string, adopt: boolean) {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    const stat = lstatOrUndefined(join(dir, rel));
    if (!stat) return undefined;
    const isLeaf = i === parts.length;
    if (stat.isSymbolicLink() || (isLeaf ? !stat.isFile() : !stat.isDirectory()))
      throw new UsageError(
        `--out ${outDir}: refusing to replace ${join(outDir, rel)}, a ${stat.isSymbolicLink() ? 'symbolic link' : isLeaf ? 'directory' : 'file'} where slo generate writes ${isLeaf ? 'a file' : 'a directory'}; move it away`,
      );
    if (!isLeaf) continue;
    const onDisk = hashOf(readFileSync(join(dir, rel)));
    if (onDisk === hash || onDisk === written[path] || adopt) return undefined;
    return `${path} (${written[path] ? 'edited since slo generate wrote it' : 'not written by slo generate'})`;
  }
  return undefined;
}

/** The files of the old manifest that the new generation no longer writes: deleted when unchanged, kept when edited. */
function planStale(dir: string, written: Readonly<Record<string, string>>, generated: ReadonlyMap<string, string>): SwapPlan {
  const stale: string[] = [];
  const kept: string[] = [];
  for (const [path, hash] of Object.entries(written)) {
    if (generated.has(path) || !existsSync(join(dir, path))) continue;
    (deletable(dir, path, hash) ? stale : kept).push(path);
  }
  return { stale, kept };
}

/** A file slo generate wrote and nobody changed since: the only kind it deletes. */
function deletable(dir: string, path: string, hash: string): boolean {
  const stat = lstatOrUndefined(join(dir, path));
  return !!stat && stat.isFile() && hashOf(readFileSync(join(dir, path))) === hash;
}

/** The staging directory being written: `add` each artifact, then `finish` (or `cancel`). */
interface Stager {
  add(a: Artifact | EncodedArtifact): void;
  /** Writes the manifest once every file is durable; returns each path with its hash. */
  finish(): ReadonlyMap<string, string>;
  /** Removes the staging directory (the run failed). */
  cancel(): void;
}

/**
 * Writes the new generation and its manifest to the staging directory, every byte fsynced, as the
 * artifacts come. `finish` returns each path with its hash. A generated path that would overwrite
 * a file it may not is refused once every artifact was seen (naming them all); on any failure the
 * staging directory is removed, so only a kill leaves it behind (for the next run's recovery).
 */
function stage(dir: string, outDir: string, old: Readonly<Record<string, string>>, adopt: boolean, step: (name: string) => void): Stager {
  const staging = join(dir, STAGING_DIR);
  const dirs = new Set<string>([staging]);
  const files = new Map<string, string>();
  const conflicts: string[] = [];
  // Each file's fsync runs beside the rendering of the next (bin/private/file-syncer.ts); all are
  // durable before the manifest is written.
  const syncer = fileSyncer();
  let buffer: Buffer | undefined;
  let i = 0;
  mkdirSync(staging);
  const cancel = () => {
    // cleanup of our own half-written staging directory; the error still stops the run
    syncer.cancel();
    rmSync(staging, { recursive: true, force: true });
  };
  const guarded =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return f(...args);
      } catch (e) {
        cancel();
        throw e;
      }
    };
  return {
    add: guarded((a: Artifact | EncodedArtifact) => {
      checkPath(a.path, files);
      step(`stage-${++i}`);
      const file = join(staging, a.path);
      const parent = dirname(file);
      if (!dirs.has(parent)) {
        mkdirSync(parent, { recursive: true });
        for (let d = parent; d !== staging; d = dirname(d)) dirs.add(d);
      }
      const { hash, size } =
        'bytes' in a
          ? writeBytes(file, a.bytes, a.hash)
          : writeFile(file, a.content, (buffer ??= Buffer.allocUnsafe(WRITE_CHUNK_CHARS * 3)));
      syncer.add(file, size);
      const conflict = conflictOf(dir, outDir, old, a.path, hash, adopt);
      if (conflict) conflicts.push(conflict);
      files.set(a.path, hash);
    }),
    finish: guarded(() => {
      syncer.finish();
      if (conflicts.length > 0)
        throw new UsageError(
          `--out ${outDir}: refusing to overwrite ${conflicts.join(', ')}; move ${conflicts.length === 1 ? 'it' : 'them'} away, or pass --adopt to overwrite`,
        );
      const sorted = Object.fromEntries([...files].sort(([x], [y]) => (x < y ? -1 : 1)));
      const manifest: OutputManifest = { generator: GENERATOR, version, format: MANIFEST_FORMAT, files: sorted };
      writeDurably(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      for (const d of dirs) fsyncDir(d);
      return files;
    }),
    cancel,
  };
}

/**
 * Moves a committed generation into place: its files, then the deletion of stale files (listed in
 * the old manifest and unchanged), then its manifest, then the empty commit directory. Every step
 * checks what is still to do, so a run killed anywhere in here is finished by the next.
 */
function rollForward(dir: string, step: (name: string) => void): void {
  const commit = join(dir, COMMIT_DIR);
  const next = readManifestFile(join(commit, MANIFEST_FILE));
  if (next) {
    const old = readManifestFile(join(dir, MANIFEST_FILE))?.files ?? {};
    const touched = new Set<string>([dir]);
    Object.keys(next.files).forEach((path, i) => {
      const from = join(commit, path);
      if (!existsSync(from)) return; // moved before a kill
      const to = join(dir, path);
      mkdirSync(dirname(to), { recursive: true });
      renameSync(from, to);
      touched.add(dirname(to));
      step(`moved-${i + 1}`);
    });
    for (const [path, hash] of Object.entries(old)) {
      if (path in next.files || !deletable(dir, path, hash)) continue;
      unlinkSync(join(dir, path));
      touched.add(pruneEmptyParents(dir, dirname(join(dir, path))));
      step(`deleted-${path}`);
    }
    // A folder kept by one deletion may be pruned by a later one (its last stale file): its
    // removal is made durable with the folder that holds it, touched too.
    for (const d of touched) if (existsSync(d)) fsyncDir(d);
    renameSync(join(commit, MANIFEST_FILE), join(dir, MANIFEST_FILE));
    fsyncDir(dir);
    step('manifest');
  }
  // Without a manifest the commit directory only holds empty folders: the swap is complete.
  rmSync(commit, { recursive: true, force: true });
}

/**
 * Leaves DIR as a completed run would: finishes a committed swap, discards an uncommitted
 * staging directory and lock temporaries of dead processes. Runs under the lock.
 */
function recover(dir: string, outDir: string, step: (name: string) => void): string[] {
  const notes: string[] = [];
  if (existsSync(join(dir, COMMIT_DIR))) {
    rollForward(dir, step);
    notes.push(`finished the swap of an interrupted slo generate run in ${outDir}`);
  }
  if (existsSync(join(dir, STAGING_DIR))) {
    rmSync(join(dir, STAGING_DIR), { recursive: true, force: true });
    notes.push(`discarded the unfinished output of an interrupted slo generate run in ${outDir}`);
  }
  for (const name of readdirSync(dir)) if (isLeftoverLockTemp(name)) rmSync(join(dir, name), { force: true });
  return notes;
}

/** The manifest in DIR, undefined when there is none; refuses one this code cannot read. */
function readManifest(dir: string, outDir: string): OutputManifest | undefined {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  const manifest = readManifestFile(path);
  if (!manifest)
    throw new UsageError(
      `--out ${outDir}: ${MANIFEST_FILE} is not a format-${MANIFEST_FORMAT} manifest of ${GENERATOR}; move it away to have the directory treated as someone else's`,
    );
  return manifest;
}

function readManifestFile(path: string): OutputManifest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // missing or not JSON: not a manifest
  }
  const m = parsed as Partial<OutputManifest> | null;
  if (!m || m.generator !== GENERATOR || m.format !== MANIFEST_FORMAT || typeof m.files !== 'object' || m.files === null) return undefined;
  const files = Object.entries(m.files);
  if (files.some(([path, hash]) => typeof hash !== 'string' || path.split('/').some((p) => p === '' || p === '..'))) return undefined;
  return m as OutputManifest;
}

/**
 * An artifact's text as UTF-8 bytes in a buffer of its own (transferable to another thread), with
 * its hash: the bytes the writer would write for it.
 */
export function encodeArtifact(a: Artifact): EncodedArtifact {
  const parts = typeof a.content === 'string' ? [a.content] : a.content;
  let size = 0;
  for (const part of parts) size += typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.byteLength;
  const bytes = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const part of parts) {
    if (typeof part === 'string') at += bytes.write(part, at, 'utf8');
    else {
      bytes.set(part, at);
      at += part.byteLength;
    }
  }
  return { path: a.path, bytes, hash: hashOf(bytes) };
}

function hashOf(content: string | Buffer): string {
  return manifestHash(createHash('sha256').update(content));
}

/** A file's hash as the manifest records it. */
function manifestHash(hash: Hash): string {
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Characters of a file's text encoded at a time (at most three bytes each in UTF-8, so a buffer of
 * three times as many bytes holds any piece).
 */
const WRITE_CHUNK_CHARS = 1 << 20;

/**
 * Writes a new file (durable only once fsynced) and returns its hash. The text is encoded to UTF-8
 * into `buffer`, reused for every file, and hashed and written from there whenever the next piece
 * might not fit (a file of many small parts, such as a dashboard given a panel at a time, is
 * still written a few megabytes at a time). `Buffer.from` of each whole text allocated a new
 * buffer outside the heap per file, whose pages were faulted in and returned each time (twenty
 * times the cost of the encoding: a 1.2 MB text, 4.7 ms against 0.2 ms), and at 10,000 SLOs held
 * the 94 MB SLO dashboard a second time. Parts given as bytes are hashed and written as they are.
 */
function writeFile(file: string, content: Artifact['content'], buffer: Buffer): Written {
  const hash = createHash('sha256');
  const fd = openSync(file, 'wx');
  let size = 0;
  let used = 0;
  const flush = () => {
    hash.update(buffer.subarray(0, used));
    writeAll(fd, buffer.subarray(0, used));
    size += used;
    used = 0;
  };
  try {
    for (const part of typeof content === 'string' ? [content] : content) {
      if (typeof part !== 'string') {
        flush();
        hash.update(part);
        writeAll(fd, part);
        size += part.byteLength;
        continue;
      }
      for (let from = 0; from < part.length;) {
        let to = Math.min(part.length, from + WRITE_CHUNK_CHARS);
        // a piece never ends between the two halves of a surrogate pair, which would encode as two U+FFFD
        if (to < part.length && isHighSurrogate(part.charCodeAt(to - 1))) to--;
        if (used + 3 * (to - from) > buffer.length) flush();
        used += buffer.write(from === 0 && to === part.length ? part : part.slice(from, to), used, 'utf8');
        from = to;
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { hash: manifestHash(hash), size };
}

/** A file written: its hash as the manifest records it, and its size in bytes. */
interface Written {
  readonly hash: string;
  readonly size: number;
}

/** Writes a new file of bytes already encoded and hashed (durable only once fsynced). */
function writeBytes(file: string, bytes: Uint8Array, hash: string): Written {
  const fd = openSync(file, 'wx');
  try {
    writeAll(fd, bytes);
  } finally {
    closeSync(fd);
  }
  return { hash, size: bytes.byteLength };
}

/** Writes all of `bytes` at the file's position (a write may take fewer bytes than it is given). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written, bytes.length - written);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function writeDurably(file: string, content: string): void {
  const fd = openSync(file, 'wx');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a directory's entries (creations, renames, deletions) durable. */
function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes the now-empty folders above a deleted file, up to DIR; returns the first one kept. */
function pruneEmptyParents(dir: string, from: string): string {
  let d = from;
  while (d !== dir && d.startsWith(dir + sep) && readdirSync(d).length === 0) {
    rmdirSync(d);
    d = dirname(d);
  }
  return d;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The absolute path with every symbolic link resolved, also for a path that does not exist yet. */
function realPath(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  while (!existsSync(existing)) existing = dirname(existing);
  return join(realpathSync(existing), absolute.slice(existing.length));
}

/** Whether `inner` is `outer` or lies below it. */
function isInside(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/** The nearest folder at or above `from` that holds `.git`. */
function repositoryRoot(from: string): string | undefined {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** The step hook: the caller's, and SIGKILL at `SLO_TEST_KILL_AT` for the crash tests. */
function stepper(onStep: ((step: string) => void) | undefined): (name: string) => void {
  const killAt = process.env.SLO_TEST_KILL_AT;
  return (name) => {
    onStep?.(name);
    if (name === killAt) process.kill(process.pid, 'SIGKILL');
  };
}
