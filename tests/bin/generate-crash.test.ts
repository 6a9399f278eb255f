/**
 * `slo generate` killed (SIGKILL) at several points of its write, and run concurrently on one
 * folder, as separate processes of the built CLI. The kill points are the writer's step names,
 * through `SLO_TEST_KILL_AT`; generated-output.test.ts kills at every step in-process.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverOutput } from '../../bin/generated-output';
import { acquireLock } from '../../bin/private/output-lock';
import { outputFiles, spawnCli, writerEntries } from './output-files';
import { runCli } from './run-cli';

let tmp: string;
/**
 * Spec directories of two generations: all shipped services, then the three with the fewest SLOs
 * (a spawned run generating the second takes about two thirds of the CPU it took with api, auth
 * and logging).
 */
let oldSlos: string;
let newSlos: string;
/** What each generation writes into an empty folder. */
let oldFiles: Record<string, string>;
let newFiles: Record<string, string>;
let oldOut: string;
const FOREIGN = { 'notes.md': 'mine\n' };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-generate-crash-'));
  oldSlos = join(tmp, 'old-slos');
  newSlos = join(tmp, 'new-slos');
  mkdirSync(oldSlos);
  mkdirSync(newSlos);
  for (const f of readdirSync('slos').filter((n) => n.endsWith('.yaml'))) {
    writeFileSync(join(oldSlos, f), readFileSync(join('slos', f), 'utf8'));
    if (['logging.yaml', 'notifications.yaml', 'reports.yaml'].includes(f))
      writeFileSync(join(newSlos, f), readFileSync(join('slos', f), 'utf8'));
  }
  oldOut = join(tmp, 'expected-old');
  const newOut = join(tmp, 'expected-new');
  expect((await runCli('generate', '--slos', oldSlos, '--out', oldOut)).code).toBe(0);
  expect((await runCli('generate', '--slos', newSlos, '--out', newOut)).code).toBe(0);
  oldFiles = outputFiles(oldOut);
  newFiles = outputFiles(newOut);
  // the two generations differ in every way a swap can: files changed, unchanged, removed
  const changed = Object.keys(newFiles).filter((p) => oldFiles[p] !== undefined && oldFiles[p] !== newFiles[p]);
  const removed = Object.keys(oldFiles).filter((p) => newFiles[p] === undefined);
  expect([changed.length > 0, removed.length > 0, Object.keys(newFiles).length > changed.length]).toEqual([true, true, true]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder holding the old generation and someone else's file. */
function previousOutput(name: string): string {
  const dir = join(tmp, name);
  cpSync(oldOut, dir, { recursive: true });
  writeFileSync(join(dir, 'notes.md'), FOREIGN['notes.md']);
  return dir;
}

describe('slo generate killed while writing', () => {
  test.each([
    ['right after taking the lock', 'locked', false],
    ['with the new generation staged but not committed', 'staged', false],
    ['in the middle of the swap', 'moved-7', true],
    ['after the manifest, before cleaning up', 'manifest', true],
  ])('%s leaves a complete output and the next run recovers', async (_when, killAt, committed) => {
    // given
    const dir = previousOutput(`killed-${killAt}`);
    // when
    const killed = await spawnCli(['generate', '--slos', newSlos, '--out', dir], { SLO_TEST_KILL_AT: killAt }).done;
    // then
    expect(killed.signal).toBe('SIGKILL');
    if (!committed) {
      // the complete old output, and the next run (breaking the dead run's lock) writes the new one
      expect(outputFiles(dir)).toEqual({ ...oldFiles, ...FOREIGN });
      const next = await runCli('generate', '--slos', newSlos, '--out', dir);
      expect(next.code).toBe(0);
      expect(next.err).toBe(
        killAt === 'locked' ? '' : `slo generate: discarded the unfinished output of an interrupted slo generate run in ${dir}\n`,
      );
    } else {
      // the complete new output is committed: recovery finishes moving it into place
      expect(existsSync(join(dir, '.slo-commit'))).toBe(true);
      const tested = await runCli('test', '--out', dir);
      expect([tested.code, tested.err]).toEqual([
        1,
        `slo test: ${dir} holds the half-moved output of an interrupted slo generate; run "slo generate --out ${dir}" to finish it\n`,
      ]);
      expect(recoverOutput(dir)).toEqual([`finished the swap of an interrupted slo generate run in ${dir}`]);
    }
    expect(outputFiles(dir)).toEqual({ ...newFiles, ...FOREIGN });
    expect(writerEntries(dir)).toEqual(['.slo-manifest.json']);
  });
});

describe('concurrent slo generate runs on one folder', () => {
  test('wait for the run holding the folder, then write', async () => {
    // given a folder whose lock this process holds
    const dir = previousOutput('serialized');
    const release = acquireLock(dir, 0);
    let run: ReturnType<typeof spawnCli> | undefined;
    try {
      // when a run starts, it waits at the lock (its pending lock file shows it) and writes nothing
      run = spawnCli(['generate', '--slos', newSlos, '--out', dir]);
      const waiting = join(dir, `.slo-lock.${run.pid}`);
      for (let i = 0; i < 600 && !existsSync(waiting) && !run.exited(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(waiting)).toBe(true);
      expect(outputFiles(dir)).toEqual({ ...oldFiles, ...FOREIGN });
    } finally {
      release();
    }
    // then it writes once the lock is free
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(outputFiles(dir)).toEqual({ ...newFiles, ...FOREIGN });
    expect(writerEntries(dir)).toEqual(['.slo-manifest.json']);
  });

  test('started together, all succeed and leave one complete output and nothing else', async () => {
    // given
    const parent = join(tmp, 'together');
    mkdirSync(parent);
    const dir = join(parent, 'out');
    // when
    const runs = await Promise.all([oldSlos, newSlos, oldSlos].map((slos) => spawnCli(['generate', '--slos', slos, '--out', dir]).done));
    // then
    expect(runs.map((r) => [r.code, r.err])).toEqual(runs.map(() => [0, '']));
    expect([oldFiles, newFiles]).toContainEqual(outputFiles(dir));
    expect(writerEntries(dir)).toEqual(['.slo-manifest.json']);
    expect(readdirSync(parent)).toEqual(['out']);
  });
});
