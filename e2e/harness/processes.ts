/**
 * Processes and temporary directories the harness creates, and their cleanup. Only what this
 * module started is ever signalled (by its own pid), and only what it created is removed: on
 * `cleanup()`, on normal exit and on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A process started by the harness, its output kept in a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** True once the process has exited. */
  exited(): boolean;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const started = new Set<{ child: ChildProcess; done: Promise<void> }>();
const tempDirs = new Set<string>();
let keepTempDirs = false;

/** A new empty directory under the system temp dir, removed by `cleanup()` (unless kept). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `slo-e2e-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** Keeps temporary directories on cleanup (for `--keep`, to look at logs and data afterwards). */
export function keepTemporaryDirectories(keep: boolean): void {
  keepTempDirs = keep;
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. Servers are told their port before they
 * start, so a port asked of the OS (listen on 0) comes from the ephemeral range, where every
 * outgoing connection of the machine (scrapes, API calls, other test runs) may take it before
 * the server binds it: that happened under load (EADDRINUSE). So the port is drawn from below
 * the ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`), which outgoing connections
 * never use, and checked free by binding it; ports handed out by this process are not repeated.
 */
export async function freePort(): Promise<number> {
  const ephemeralStart = ephemeralRangeStart();
  const low = 10000;
  for (let attempt = 0; attempt < 100 && ephemeralStart - low > 1000; attempt++) {
    const port = low + Math.floor(Math.random() * (ephemeralStart - low));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  return osPort();
}
const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 0 ? start : 32768;
  } catch {
    return 32768;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts `command args`, its stdout and stderr appended to `<logDir>/<name>.log`. */
export function startProcess(name: string, command: string, args: readonly string[], logDir: string, cwd?: string): ManagedProcess {
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  // Both streams share the log; neither may end it while the other still writes.
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let hasExited = false;
  const done = new Promise<void>((resolve) => {
    child.once('close', () => {
      hasExited = true;
      log.end();
      resolve();
    });
    child.once('error', (e) => {
      log.write(`\nharness: failed to start ${command}: ${e.message}\n`);
      hasExited = true;
      resolve();
    });
  });
  const entry = { child, done };
  started.add(entry);
  void done.then(() => started.delete(entry));
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  return {
    name,
    pid,
    logFile,
    exited: () => hasExited,
    logTail: (lines = 20) => {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    stop: async (graceMs = 5000) => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Runs `command args` to completion; rejects with its output when it exits non-zero. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const entry = { child, done: new Promise<void>((r) => child.once('exit', () => r())) };
    started.add(entry);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.once('error', (e) => reject(new Error(`${command}: ${e.message}`)));
    child.once('exit', (code, signal) => {
      started.delete(entry);
      if (timer) clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${out.trimEnd()}`));
    });
  });
}

/** Stops every process the harness started and removes its temporary directories. */
export async function cleanup(): Promise<void> {
  await Promise.all(
    [...started].map(async ({ child, done }) => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    }),
  );
  if (!keepTempDirs) for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Synchronous last resort at process exit: SIGKILL to what is still running, temp dirs removed. */
function cleanupNow(): void {
  for (const { child } of started) child.kill('SIGKILL');
  if (!keepTempDirs) for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

let installed = false;
/** Installs the exit and signal handlers once: SIGINT/SIGTERM clean up and exit 130/143. */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.once('exit', cleanupNow);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nharness: ${signal}, stopping the servers\n`);
      void cleanup().finally(() => process.exit(code));
    });
  }
}
