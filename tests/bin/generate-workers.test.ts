/**
 * `slo generate` rendering in worker threads (bin/private/render-workers.ts): the same files, the
 * same manifest and the same refusals as rendering in the main thread, and a worker's error
 * surfacing as that error. Here the workers run the TypeScript sources (through tsx); the built
 * CLI's workers run dist/slo-generate-worker.js (spawned below, and in the installed package:
 * tests/package/consumer-repository.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineArtifactUnits } from '../../layers/layer';
import { startRenderWorkers, renderThreads, WORKER_THRESHOLD_SLOS } from '../../bin/private/render-workers';
import { UsageError } from '../../bin/io';
import { readSpecDir } from '../../slos/load';
import { buildCatalog } from '../../slos/catalog';
import { outputFiles, spawnCli } from './output-files';
import { runCli } from './run-cli';

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

/** What `slo generate --env example` writes in the main thread; generated once, for the tests that compare with it. */
let exampleFiles: Promise<ReturnType<typeof outputFiles>> | undefined;
function exampleInMainThread(): Promise<ReturnType<typeof outputFiles>> {
  exampleFiles ??= generateWith('0', '--env', 'example', '--out', join(tmp, 'example-main')).then((r) => {
    expect(r.code).toBe(0);
    return outputFiles(join(tmp, 'example-main'));
  });
  return exampleFiles;
}

/** The manifest a run wrote. */
const manifestOf = (dir: string) => readFileSync(join(dir, '.slo-manifest.json'), 'utf8');

describe('slo generate in worker threads', () => {
  test.each([
    ['the shipped specs alone', []],
    ['the shipped specs with the platform layer', ['--env', 'example']],
  ])(
    'writes the same files and manifest as the main thread for %s',
    async (_what, extra) => {
      // given
      const main = join(tmp, `main${extra.length}`);
      const workers = join(tmp, `workers${extra.length}`);
      // when
      const inMain = await generateWith('0', '--out', main, ...extra);
      const inWorkers = await generateWith('3', '--out', workers, ...extra);
      // then
      expect([inMain.code, inWorkers.code]).toEqual([0, 0]);
      expect(inWorkers.out).toBe(inMain.out.replace(main, workers));
      expect(outputFiles(workers)).toEqual(outputFiles(main));
      expect(manifestOf(workers)).toBe(manifestOf(main));
    },
    120_000,
  );

  test('writes the same files from the built CLI, whose workers run their own bundle', async () => {
    // given
    const main = join(tmp, 'built-main');
    const workers = join(tmp, 'built-workers');
    // when
    const inMain = await spawnCli(['generate', '--env', 'example', '--out', main], { SLO_GENERATE_THREADS: '0' }).done;
    const inWorkers = await spawnCli(['generate', '--env', 'example', '--out', workers], { SLO_GENERATE_THREADS: '2' }).done;
    // then
    expect([inMain.code, inWorkers.code, inWorkers.err]).toEqual([0, 0, '']);
    expect(outputFiles(workers)).toEqual(outputFiles(main));
    expect(manifestOf(workers)).toBe(manifestOf(main));
  }, 120_000);

  test('refuses to overwrite a file it did not write, as the main thread does, and writes nothing', async () => {
    // given an output whose manifest does not list a generated path that someone else's file holds
    const out = join(tmp, 'conflict');
    expect((await generateWith('0', '--out', out)).code).toBe(0);
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
      // given an output of the specs alone, then a generation with the platform layer, in workers
      const dir = join(tmp, `killed-${killAt}`);
      expect((await generateWith('0', '--out', dir)).code).toBe(0);
      const old = outputFiles(dir);
      // when
      const killed = await spawnCli(['generate', '--env', 'example', '--out', dir], { SLO_TEST_KILL_AT: killAt, SLO_GENERATE_THREADS: '2' })
        .done;
      // then
      expect(killed.signal).toBe('SIGKILL');
      if (!committed) expect(outputFiles(dir)).toEqual(old);
      const next = await spawnCli(['generate', '--env', 'example', '--out', dir], { SLO_GENERATE_THREADS: '2' }).done;
      expect([next.code, next.err]).toEqual([
        0,
        committed
          ? `slo generate: finished the swap of an interrupted slo generate run in ${dir}\n`
          : `slo generate: discarded the unfinished output of an interrupted slo generate run in ${dir}\n`,
      ]);
      expect(outputFiles(dir)).toEqual(await exampleInMainThread());
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
