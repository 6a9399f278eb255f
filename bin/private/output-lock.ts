/**
 * A lock file that serializes the writers of one output directory. It holds the holder's pid and
 * host; a lock whose holder is a dead process on this host is stale and is broken, any other lock
 * is waited for until a deadline. Node has no flock(2), so the lock is a file created with link(2),
 * which fails atomically when the name exists and never shows a half-written lock.
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock's file name inside the locked directory. */
export const LOCK_FILE = '.slo-lock';
/** Prefix of the lock's temporary names (`.slo-lock.<pid>`, `.slo-lock.stale-<pid>`). */
export const LOCK_TEMP_PREFIX = `${LOCK_FILE}.`;

/** Another live process holds the lock past the deadline. */
export class LockBusyError extends Error {
  constructor(
    readonly holderPid: number | undefined,
    readonly waitedMs: number,
  ) {
    super(`locked by ${holderPid === undefined ? 'another process' : `pid ${holderPid}`}`);
  }
}

/** Who holds a lock: the content of its file. */
interface Holder {
  readonly pid: number;
  readonly host: string;
}

const POLL_MS = 25;

/**
 * Takes the lock of `dir`, waiting up to `timeoutMs` for a live holder, and returns its release.
 * Throws `LockBusyError` when the deadline passes.
 */
export function acquireLock(dir: string, timeoutMs: number): () => void {
  const lock = join(dir, LOCK_FILE);
  const mine = `${LOCK_TEMP_PREFIX}${process.pid}`;
  const content = `${process.pid} ${hostname()}\n`;
  // The content goes to a private name first, so the lock never exists empty.
  writeFileSync(join(dir, mine), content);
  const started = Date.now();
  try {
    for (;;) {
      try {
        linkSync(join(dir, mine), lock);
        return () => release(lock, content);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(lock);
      if (holder && isStale(holder)) {
        breakStale(dir, holder);
        continue;
      }
      const waitedMs = Date.now() - started;
      if (waitedMs >= timeoutMs) throw new LockBusyError(holder?.pid, waitedMs);
      sleepMs(POLL_MS);
    }
  } finally {
    unlinkSync(join(dir, mine));
  }
}

/** Whether a temporary lock name was left by a process that is gone (safe to delete). */
export function isLeftoverLockTemp(name: string): boolean {
  const pid = Number(/^\.slo-lock\.(?:stale-)?(\d+)$/.exec(name)?.[1]);
  return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
}

function release(lock: string, content: string): void {
  // Only our own lock: a stale-lock breaker must never lose a live holder's file to us.
  if (readText(lock) === content) unlinkSync(lock);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function readHolder(lock: string): Holder | undefined {
  const match = /^(\d+) (\S+)\n$/.exec(readText(lock) ?? '');
  return match ? { pid: Number(match[1]), host: match[2]! } : undefined;
}

/** A holder is stale only when it provably is gone: a dead pid on this very host. */
function isStale(holder: Holder): boolean {
  return holder.host === hostname() && !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock. Two waiters may both see the same dead holder; each first renames the lock
 * to a private name, so only one gets it, and checks that what it got is still the dead holder's.
 * If a third process took the lock in between, its lock is put back (link fails only if yet
 * another process holds the name by then).
 */
function breakStale(dir: string, dead: Holder): void {
  const lock = join(dir, LOCK_FILE);
  const taken = join(dir, `${LOCK_TEMP_PREFIX}stale-${process.pid}`);
  try {
    renameSync(lock, taken);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // another waiter broke it
    throw e;
  }
  const got = readHolder(taken);
  if (got && (got.pid !== dead.pid || got.host !== dead.host)) {
    try {
      linkSync(taken, lock);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  unlinkSync(taken);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread: the CLI's commands are synchronous, and nothing else runs meanwhile. */
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
