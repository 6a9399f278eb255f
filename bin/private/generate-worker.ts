/**
 * A worker thread of `slo generate` (bin/private/render-workers.ts starts it): builds the catalog
 * from the spec texts the main thread read, resolves the same engine inputs, and renders every
 * `threads`-th of the units it is given, starting at its `index`, in order. Each unit's files
 * are encoded and hashed here and their bytes handed to the main thread, which writes them; an
 * error is handed on as its name, message and stack. It renders at most `ahead` units more than
 * the main thread has taken, so a slow disk never makes the output pile up in memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { engineArtifactUnits, renderEngineArtifactUnit } from '../../layers/layer';
import { buildCatalog } from '../../slos/catalog';
import { engineInputs } from '../engine-inputs';
import { encodeArtifact } from '../generated-output';
import type { WorkerData, WorkerMessage } from './render-workers';

const { files, options, units: mine, index, threads, ahead, taken } = workerData as WorkerData;
const post = (message: WorkerMessage) =>
  parentPort!.postMessage(message, 'artifacts' in message ? message.artifacts.map((a) => a.bytes.buffer as ArrayBuffer) : []);

let unit = mine[index] ?? -1;
try {
  const { catalog } = buildCatalog(files);
  if (!catalog) throw new Error('internal: the specs the main thread validated do not build a catalog in a worker thread');
  const { inputs } = engineInputs(options, catalog);
  if (!inputs) throw new Error('internal: the engine inputs the main thread resolved do not resolve in a worker thread');
  const units = engineArtifactUnits(catalog);
  for (let k = 0, i = index; i < mine.length; k++, i += threads) {
    unit = mine[i]!;
    // wait while `ahead` of this worker's units are rendered and not yet taken by the main thread
    for (let t = Atomics.load(taken, index); k - t >= ahead; t = Atomics.load(taken, index)) Atomics.wait(taken, index, t);
    const artifacts = renderEngineArtifactUnit(catalog, inputs, units[unit]!).map(encodeArtifact);
    post({ unit, artifacts });
  }
} catch (e) {
  const error = e instanceof Error ? e : new Error(String(e));
  post({ unit, error: { name: error.name, message: error.message, stack: error.stack } });
}
