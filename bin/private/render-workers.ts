/**
 * `slo generate` of a large catalog renders in worker threads: the engine's output is a list of
 * units that render apart (layers/layer.ts `engineArtifactUnits`: a service's rule and test files,
 * a service's dashboard, the SLO dashboard). The main thread and the workers claim the per-service
 * units one at a time from a shared counter, so whoever is free renders the next one (the main
 * thread also writes, and a fixed share left it the last to finish); the main thread writes every
 * unit in order, through the same writer and in the same order as when it renders everything
 * itself, so the output, the manifest and the writer's steps are the same, and renders the SLO
 * dashboard (it spans every service) once the workers are gone. Each worker encodes and hashes
 * its files, so the main thread only writes their bytes.
 *
 * A worker builds the catalog from the spec texts the main thread read (never reading the spec
 * directory again) and resolves the engine inputs from the same options. An error in a worker
 * fails the run with that error (its name, message and stack); a worker that dies without one
 * (out of memory) fails it too. The caller then abandons the staging directory: nothing is written.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InputFile } from '../../slos/catalog';
import type { EngineOptionValues } from '../engine-inputs';
import { UsageError } from '../io';
import type { EncodedArtifact } from '../generated-output';
import type { Artifact } from '../../slos/artifact';

/**
 * Catalogs with at least this many SLOs render in worker threads (unless `SLO_GENERATE_THREADS`
 * says otherwise). A worker loads the bundle and builds the catalog again before it renders: at
 * 1,000 SLOs on 2 cores one worker cost 1.5 to 2 CPU-s more than the 6 the run takes alone, for no
 * gain in wall time (two runs each, load 3 to 4); at 10,000 it took 28.6 s down to 21.8 s.
 */
export const WORKER_THRESHOLD_SLOS = 2000;
/** The most worker threads started by default. */
const MAX_DEFAULT_THREADS = 7;
/** Units rendered ahead of the main thread's writing, by it or the workers. */
const AHEAD_UNITS = 16;

/** What the main thread gives each worker. */
export interface WorkerData {
  /** The spec files as read (bin/commands/generate.ts validated them). */
  readonly files: readonly InputFile[];
  /** The engine options of the command line (`--env`, links). */
  readonly options: EngineOptionValues;
  /** The units to render (indices into `engineArtifactUnits`), in the order they are taken. */
  readonly units: readonly number[];
  /** How many units may be claimed beyond those taken. */
  readonly ahead: number;
  /** `[NEXT]`: the next position of `units` to claim; `[TAKEN]`: positions the main thread took (shared). */
  readonly shared: Int32Array;
}

/** Index in `WorkerData.shared` of the next position to claim. */
export const NEXT = 0;
/** Index in `WorkerData.shared` of the number of positions taken by the main thread. */
export const TAKEN = 1;

/** What a worker sends: a unit's files encoded, the error that stopped it, or that it is done. */
export type WorkerMessage =
  | { readonly position: number; readonly artifacts: readonly EncodedArtifact[] }
  | { readonly position: number; readonly error: { readonly name: string; readonly message: string; readonly stack?: string } }
  | { readonly done: true };

/**
 * How many worker threads render a catalog of `slos` SLOs beside the main thread:
 * `SLO_GENERATE_THREADS` when set (0: none, the main thread renders alone), else one per CPU but
 * the main thread's (at most 7) from `WORKER_THRESHOLD_SLOS` SLOs on, none below (starting a
 * worker, which loads the bundle and builds the catalog again, costs more than a small catalog's
 * rendering). The main thread renders a share too: on 2 cores, one worker and the main thread
 * used 18 % less CPU for 1,000 SLOs than two workers beside an idle main thread (6.7 against
 * 8.2 CPU-s, two runs each, under load).
 */
export function renderThreads(slos: number, setting: string | undefined = process.env.SLO_GENERATE_THREADS): number {
  if (setting !== undefined && setting !== '') {
    if (!/^\d+$/.test(setting))
      throw new UsageError(`SLO_GENERATE_THREADS must be a whole number of worker threads (0: none); got "${setting}"`);
    return Number(setting);
  }
  const cpus = availableParallelism();
  return cpus > 1 && slos >= WORKER_THRESHOLD_SLOS ? Math.min(cpus - 1, MAX_DEFAULT_THREADS) : 0;
}

/** Worker threads rendering units of the engine's output with the main thread. */
export interface RenderWorkers {
  /**
   * The files of the unit at position `k` of the list (each taken once, in order). Until a
   * worker has rendered it, this thread claims units itself and renders them with `here` (without
   * `here`, only the workers render). Rejects with a worker's error.
   */
  take(k: number, here?: (unit: number) => readonly Artifact[]): Promise<readonly (Artifact | EncodedArtifact)[]>;
  /** Terminates the workers (when done, or on a failure); resolves once they are gone. */
  stop(): Promise<void>;
}

/**
 * Starts `threads` worker threads rendering the units of the engine's output at `units` (indices
 * into `engineArtifactUnits`, in the order they are to be taken). The workers and the main thread
 * (in `take`) claim the next unit from a shared counter, so whoever is free renders it, at most
 * `AHEAD_UNITS` beyond the last one taken.
 */
export function startRenderWorkers(
  files: readonly InputFile[],
  options: EngineOptionValues,
  units: readonly number[],
  threads: number,
): RenderWorkers {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const data: WorkerData = { files, options, units, ahead: AHEAD_UNITS, shared };
  const results = new Map<number, readonly (Artifact | EncodedArtifact)[]>();
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const event = () => {
    wake?.();
    wake = undefined;
  };
  const workers = Array.from({ length: Math.max(1, Math.min(threads, units.length)) }, () => {
    const thread = new Worker(...workerEntry(data));
    let done = false;
    let stopped = false;
    const fail = (e: Error) => {
      failure ??= e;
      event();
    };
    thread.on('message', (m: WorkerMessage) => {
      if ('done' in m) done = true;
      else if ('error' in m) fail(workerError(m.error));
      else results.set(m.position, m.artifacts);
      event();
    });
    thread.on('error', fail);
    thread.on('exit', (code) => {
      if (!stopped && !done)
        fail(new Error(`a worker thread of slo generate exited (code ${code}) before rendering its part of the output`));
    });
    return {
      async stop() {
        stopped = true;
        await thread.terminate();
      },
    };
  });
  return {
    async take(k, here) {
      for (let result = results.get(k); !result; result = results.get(k)) {
        if (failure) throw failure;
        const c = here && Atomics.load(shared, NEXT) - k < AHEAD_UNITS ? Atomics.add(shared, NEXT, 1) : units.length;
        if (here && c < units.length) {
          results.set(c, here(units[c]!));
          // lets the workers' messages in before deciding again
          await new Promise((resolve) => setImmediate(resolve));
        } else await new Promise<void>((resolve) => (wake = resolve));
      }
      const result = results.get(k)!;
      results.delete(k);
      Atomics.store(shared, TAKEN, k + 1);
      Atomics.notify(shared, TAKEN);
      return result;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}

/** The error a worker reported, as the main thread throws it: the same name, message and stack. */
function workerError(reported: { name: string; message: string; stack?: string }): Error {
  const e = new Error(reported.message);
  e.name = reported.name;
  if (reported.stack !== undefined) e.stack = reported.stack;
  return e;
}

/**
 * The worker's script: the bundle beside this one (dist/slo-generate-worker.js, built by
 * bin/bundle.js) when running from dist/, else the TypeScript source through tsx, as bin/slo.js
 * runs the sources.
 */
function workerEntry(data: WorkerData): [string, { eval?: boolean; workerData: WorkerData }] {
  if (!__filename.endsWith('.ts')) return [join(dirname(__filename), 'slo-generate-worker.js'), { workerData: data }];
  const source = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(join(dirname(__filename), 'generate-worker.ts'))});`;
  return [source, { eval: true, workerData: data }];
}
