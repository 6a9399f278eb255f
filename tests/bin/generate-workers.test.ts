/**
 * `slo generate` rendering in worker threads (bin/private/render-workers.ts): the same files, the
 * same manifest and the same refusals as rendering in the main thread, and a worker's error
 * surfacing as that error. Here the workers run the TypeScript sources (through tsx); the built
 * CLI's workers run dist/slo-generate-worker.js (spawned below, and in the installed package:
 * tests/package/consumer-repository.test.ts).
 *
 * With the shipped specs the main thread renders every unit before a worker has loaded (a worker
 * through tsx takes about 1.5 CPU-s to load), so the in-process runs prove the threaded writing
 * path; the spawned runs set `SLO_TEST_WORKERS_RENDER`, which leaves every per-service unit to the
 * workers, so their files are the workers' own; the worker-error case takes units from a worker
 * through tsx.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineArtifactUnits } from '../../layers/layer';
import { startRenderWorkers, renderThreads, WORKER_THRESHOLD_SLOS } from '../../bin/private/render-workers';
import { UsageError } from '../../bin/io';
import { readSpecDir } from '../../slos/load';
import { buildCatalog } from '../../slos/catalog';
import { outputFiles, spawnCli } from './output-files';
import { runCli, type CliRun } from './run-cli';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-generate-workers-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `slo generate` in-process with SLO_GENERATE_THREADS set to `threads`. */
async function generateWith(threads: string, ...args: string[]) {
  const before = process.env.SLO_GENERATE_THREADS;
  process.env.SLO_GENERATE_THREADS = threads;
  try {
    return await runCli('generate', ...args);
  } finally {
    if (before === undefined) delete process.env.SLO_GENERATE_THREADS;
    else process.env.SLO_GENERATE_THREADS = before;
  }
}

/** The environment of a spawned run whose `threads` worker threads render every per-service unit. */
const workersRender = (threads: number) => ({ SLO_GENERATE_THREADS: String(threads), SLO_TEST_WORKERS_RENDER: '1' });

/** The manifest a run wrote. */
const manifestOf = (dir: string) => readFileSync(join(dir, '.slo-manifest.json'), 'utf8');

/** A main-thread run of `slo generate` (SLO_GENERATE_THREADS=0) into its own folder, and what it wrote. */
interface MainThreadRun {
  readonly dir: string;
  readonly run: CliRun;
  readonly files: ReturnType<typeof outputFiles>;
  readonly manifest: string;
}

/**
 * `slo generate <args>` in the main thread, run once per argument list for every test that compares
 * with it or starts from its output (which they copy: the manifest holds no path of the folder).
 */
const mainThreadRuns = new Map<string, Promise<MainThreadRun>>();
function inMainThread(...args: string[]): Promise<MainThreadRun> {
  const key = args.join(' ');
  let run = mainThreadRuns.get(key);
  if (!run) {
    const dir = join(tmp, `main-${mainThreadRuns.size}`);
    run = generateWith('0', '--out', dir, ...args).then((r) => {
      expect(r.code).toBe(0);
      return { dir, run: r, files: outputFiles(dir), manifest: manifestOf(dir) };
    });
    mainThreadRuns.set(key, run);
  }
  return run;
}

/** A copy of what `slo generate <args>` writes in the main thread, in `name`, as a previous output. */
async function previousOutput(name: string, ...args: string[]): Promise<string> {
  const dir = join(tmp, name);
  cpSync((await inMainThread(...args)).dir, dir, { recursive: true });
  return dir;
}

describe('slo generate in worker threads', () => {
  test.each([
    ['the shipped specs alone', []],
    ['the shipped specs with the platform layer', ['--env', 'example']],
  ])(
    'writes the same files and manifest as the main thread for %s',
    async (_what, extra) => {
      // given what the main thread writes
      const main = await inMainThread(...extra);
      const workers = join(tmp, `workers${extra.length}`);
      // when
      const inWorkers = await generateWith('3', '--out', workers, ...extra);
      // then
      expect(inWorkers.code).toBe(0);
      expect(inWorkers.out).toBe(main.run.out.replace(main.dir, workers));
      expect(outputFiles(workers)).toEqual(main.files);
      expect(manifestOf(workers)).toBe(main.manifest);
    },
    120_000,
  );

  test('writes the same files from the built CLI, whose workers run their own bundle', async () => {
    // given what the main thread writes (from the sources: the bundle must write the same)
    const main = await inMainThread('--env', 'example');
    const workers = join(tmp, 'built-workers');
    // when
    const inWorkers = await spawnCli(['generate', '--env', 'example', '--out', workers], workersRender(2)).done;
    // then
    expect([inWorkers.code, inWorkers.err]).toEqual([0, '']);
    expect(outputFiles(workers)).toEqual(main.files);
    expect(manifestOf(workers)).toBe(main.manifest);
  }, 120_000);

  test('refuses to overwrite a file it did not write, as the main thread does, and writes nothing', async () => {
    // given an output whose manifest does not list a generated path that someone else's file holds
    const out = await previousOutput('conflict');
    writeFileSync(join(out, 'prometheus', 'api.test.yaml'), 'mine\n');
    writeFileSync(join(out, '.slo-manifest.json'), manifestOf(out).replace(/"prometheus\/api\.test\.yaml": "[^"]*",\n/, ''));
    const before = outputFiles(out);
    // when
    const inMain = await generateWith('0', '--out', out);
    const inWorkers = await generateWith('2', '--out', out);
    // then
    expect(inWorkers).toEqual(inMain);
    expect(inWorkers.code).toBe(2);
    expect(inWorkers.err).toContain(`refusing to overwrite prometheus/api.test.yaml (not written by slo generate)`);
    expect(outputFiles(out)).toEqual(before);
  }, 120_000);

  test.each([
    ['while staging', 'stage-3', false],
    ['in the middle of the swap', 'moved-4', true],
  ])(
    'killed %s, leaves a complete output that the next run finishes',
    async (_when, killAt, committed) => {
      // given an output of the specs alone, then a generation with the platform layer, in a worker
      const dir = await previousOutput(`killed-${killAt}`);
      const old = outputFiles(dir);
      // when
      const killed = await spawnCli(['generate', '--env', 'example', '--out', dir], { ...workersRender(1), SLO_TEST_KILL_AT: killAt }).done;
      // then
      expect(killed.signal).toBe('SIGKILL');
      if (!committed) expect(outputFiles(dir)).toEqual(old);
      // the next run in this process and its main thread: it recovers the killed run's output whatever renders
      const next = await generateWith('0', '--env', 'example', '--out', dir);
      expect([next.code, next.err]).toEqual([
        0,
        committed
          ? `slo generate: finished the swap of an interrupted slo generate run in ${dir}\n`
          : `slo generate: discarded the unfinished output of an interrupted slo generate run in ${dir}\n`,
      ]);
      expect(outputFiles(dir)).toEqual((await inMainThread('--env', 'example')).files);
    },
    120_000,
  );

  test("fails with a worker's own error, name, message and stack, and stops the workers", async () => {
    // given units of which the last does not exist: the worker, rendering them in order, fails on it
    const { files } = readSpecDir('slos');
    const units = engineArtifactUnits(buildCatalog(files).catalog!).length;
    const workers = startRenderWorkers(files, {}, [0, 1, units + 5], 1);
    // when
    const first = await workers.take(0);
    const second = await workers.take(1);
    const third = workers.take(2);
    // then
    expect([first.map((a) => a.path), second.map((a) => a.path)]).toEqual([
      ['prometheus/api.rules.yaml', 'prometheus/api.test.yaml'],
      ['prometheus/auth.rules.yaml', 'prometheus/auth.test.yaml'],
    ]);
    const error = await third.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect([error!.name, error!.message]).toEqual(['TypeError', expect.stringMatching(/^Cannot read properties of undefined/)]);
    expect(error!.stack).toMatch(/layers[\\/]layer\.ts:\d+/);
    await workers.stop();
  }, 120_000);
});

describe('renderThreads', () => {
  test.each([
    ['none below the threshold', undefined, WORKER_THRESHOLD_SLOS - 1, 0],
    ['SLO_GENERATE_THREADS=0: none, however many SLOs', '0', 10_000, 0],
    ['SLO_GENERATE_THREADS=3: three, however few SLOs', '3', 1, 3],
  ])('%s', (_what, setting, slos, threads) => {
    expect(renderThreads(slos, setting)).toBe(threads);
  });

  test('one per CPU but the main thread (at most 7) from the threshold on, when there is more than one CPU', () => {
    const cpus = availableParallelism();
    expect(renderThreads(WORKER_THRESHOLD_SLOS, undefined)).toBe(cpus > 1 ? Math.min(cpus - 1, 7) : 0);
  });

  test('rejects a setting that is not a whole number', () => {
    expect(() => renderThreads(10, 'two')).toThrow(
      new UsageError('SLO_GENERATE_THREADS must be a whole number of worker threads (0: none); got "two"'),
    );
  });
});
