/**
 * `slo generate` of a large catalog renders in worker threads: the engine's output is a list of
 * units that render apart (layers/layer.ts `engineArtifactUnits`: a service's rule and test files,
 * a service's dashboard, the SLO dashboard). The main thread and n workers take the per-service
 * units in turn (worker k renders the k-th, (k + n)-th… of those it is given); the main thread
 * writes every unit in order, through the same writer and in the same order as when it renders
 * everything itself, so the output, the manifest and the writer's steps are the same, and renders
 * the SLO dashboard (it spans every service) once the workers are gone. Each worker encodes and
 * hashes its files, so the main thread only writes their bytes.
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

/** Catalogs with at least this many SLOs render in worker threads (unless `SLO_GENERATE_THREADS` says otherwise). */
export const WORKER_THRESHOLD_SLOS = 500;
/** The most worker threads started by default. */
const MAX_DEFAULT_THREADS = 7;
/** Units a worker renders ahead of the main thread's writing (the main thread may be rendering a unit of its own meanwhile). */
const AHEAD_UNITS = 16;

/** What the main thread gives each worker. */
export interface WorkerData {
  /** The spec files as read (bin/commands/generate.ts validated them). */
  readonly files: readonly InputFile[];
  /** The engine options of the command line (`--env`, links). */
  readonly options: EngineOptionValues;
  /** The units the workers render (indices into `engineArtifactUnits`), in order. */
  readonly units: readonly number[];
  /** This worker's first of `units`; it renders every `threads`-th from there. */
  readonly index: number;
  readonly threads: number;
  /** How many units it may render beyond those taken. */
  readonly ahead: number;
  /** Per worker, how many of its units the main thread took (shared; the worker waits on it). */
  readonly taken: Int32Array;
}

/** What a worker sends per unit: its files encoded, or the error that stopped it. */
export type WorkerMessage =
  | { readonly unit: number; readonly artifacts: readonly EncodedArtifact[] }
  | { readonly unit: number; readonly error: { readonly name: string; readonly message: string; readonly stack?: string } };

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

/** Worker threads rendering units of the engine's output; `next` gives each unit's files in turn. */
export interface RenderWorkers {
  /** The files of the next unit of the list, encoded; rejects with a worker's error. */
  next(): Promise<readonly EncodedArtifact[]>;
  /** Terminates the workers (when done, or on a failure); resolves once they are gone. */
  stop(): Promise<void>;
}

/**
 * Starts `threads` worker threads rendering the units of the engine's output at `units` (indices
 * into `engineArtifactUnits`, in the order they are to be taken): worker k of n renders the k-th,
 * (k + n)-th… of them.
 */
export function startRenderWorkers(
  files: readonly InputFile[],
  options: EngineOptionValues,
  units: readonly number[],
  threads: number,
): RenderWorkers {
  const n = Math.max(1, Math.min(threads, units.length));
  const taken = new Int32Array(new SharedArrayBuffer(4 * n));
  const workers = Array.from({ length: n }, (_, index) =>
    startWorker({ files, options, units, index, threads: n, ahead: AHEAD_UNITS, taken }),
  );
  let i = 0;
  return {
    async next() {
      if (i >= units.length) throw new Error('internal: every unit was taken from the worker threads already');
      const w = i % n;
      const message = await workers[w]!.next();
      if ('error' in message) throw workerError(message.error);
      if (message.unit !== units[i]) throw new Error(`internal: worker ${w} sent unit ${message.unit} where unit ${units[i]} was due`);
      i++;
      Atomics.add(taken, w, 1);
      Atomics.notify(taken, w);
      return message.artifacts;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}

/** A worker's messages, taken one at a time; a worker that exits before sending an error or its units is a failure. */
interface RenderWorker {
  next(): Promise<WorkerMessage>;
  stop(): Promise<void>;
}

function startWorker(data: WorkerData): RenderWorker {
  const thread = new Worker(...workerEntry(data));
  const queue: WorkerMessage[] = [];
  let waiting: { resolve: (m: WorkerMessage) => void; reject: (e: Error) => void } | undefined;
  let failure: Error | undefined;
  let stopped = false;
  const fail = (e: Error) => {
    failure ??= e;
    waiting?.reject(failure);
    waiting = undefined;
  };
  thread.on('message', (m: WorkerMessage) => {
    if (waiting) {
      waiting.resolve(m);
      waiting = undefined;
    } else queue.push(m);
  });
  thread.on('error', (e) => fail(e));
  thread.on('exit', (code) => {
    if (!stopped) fail(new Error(`a worker thread of slo generate exited (code ${code}) before rendering its part of the output`));
  });
  return {
    next() {
      const m = queue.shift();
      if (m) return Promise.resolve(m);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    async stop() {
      stopped = true;
      await thread.terminate();
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
