/**
 * fsync of many written files, overlapped with the work that writes them. `slo generate` renders
 * and writes one file at a time; an fsync of each before rendering the next makes the run wait on
 * the disk once per file (3,000 files at 10,000 SLOs). Past the first few files (or the first
 * megabyte), the syncer hands each path to a worker thread that fsyncs up to
 * {@link PARALLEL_SYNCS} files at once while the main thread renders on; {@link FileSyncer.finish}
 * blocks until every file is on disk. The API stays synchronous, as the writer's steps are (the
 * crash tests kill the process between them).
 */
import { fsyncSync, openSync, closeSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** Files fsynced on the calling thread before the worker starts: a small output is not worth a thread. */
const INLINE_SYNCS = 32;
/**
 * Bytes fsynced on the calling thread before the worker starts. An fsync waits for the file's
 * bytes to reach the disk: the first 32 files of 1,000 SLOs (6 MB) kept the main thread waiting
 * about 120 ms; the shipped specs' whole output (under 1 MB) stays inline.
 */
const INLINE_BYTES = 1 << 20;
/** fsyncs in flight at once in the worker (libuv runs four at a time by default). */
const PARALLEL_SYNCS = 8;

/** fsyncs files as they are added; `finish` returns once all are durable. */
export interface FileSyncer {
  /** Queues the fsync of a file that was written and closed, `size` bytes long. */
  add(path: string, size: number): void;
  /** Blocks until every added file is fsynced; throws the first failure. */
  finish(): void;
  /** Stops without waiting (the run failed; what was written is being discarded). */
  cancel(): void;
}

/**
 * A syncer; files are fsynced at once on the calling thread until `inlineSyncs` files or
 * `inlineBytes` bytes were, then by the worker.
 */
export function fileSyncer(inlineSyncs = INLINE_SYNCS, inlineBytes = INLINE_BYTES): FileSyncer {
  let added = 0;
  let addedBytes = 0;
  let worker: { thread: Worker; state: Int32Array; errors: MessagePort } | undefined;
  const stop = () => {
    if (!worker) return;
    worker.errors.close();
    void worker.thread.terminate();
    worker = undefined;
  };
  return {
    add(path, size) {
      const inline = added < inlineSyncs && addedBytes < inlineBytes;
      added++;
      addedBytes += size;
      if (inline) return syncFile(path);
      worker ??= startWorker();
      worker.thread.postMessage(path);
    },
    finish() {
      if (!worker) return;
      const { thread, state, errors } = worker;
      thread.postMessage(null);
      Atomics.wait(state, 0, 0);
      const failure = receiveMessageOnPort(errors)?.message as string | undefined;
      stop();
      if (failure !== undefined) throw new Error(`cannot fsync a staged file: ${failure}`);
    },
    cancel: stop,
  };
}

function startWorker(): { thread: Worker; state: Int32Array; errors: MessagePort } {
  const state = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const thread = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { state, errors: port2, parallel: PARALLEL_SYNCS },
    transferList: [port2],
  });
  thread.unref();
  return { thread, state, errors: port1 };
}

/**
 * The worker: fsyncs the paths it is sent, a few at a time; on `null` (no more paths) it reports
 * the first failure on the errors port and sets the state to 1, waking the waiting thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { open } = require('node:fs/promises');
const { state, errors, parallel } = workerData;
const queue = [];
let running = 0, closing = false, failure;
async function sync(path) {
  const handle = await open(path, 'r');
  try { await handle.sync(); } finally { await handle.close(); }
}
function pump() {
  while (running < parallel && queue.length > 0) {
    running++;
    sync(queue.shift()).catch((e) => { failure ??= e.message; }).finally(() => { running--; pump(); });
  }
  if (closing && running === 0 && queue.length === 0) {
    if (failure !== undefined) errors.postMessage(failure);
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
  }
}
parentPort.on('message', (path) => {
  if (path === null) closing = true; else queue.push(path);
  pump();
});
`;

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
