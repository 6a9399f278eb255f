/**
 * A worker thread of `slo generate` (bin/private/render-workers.ts starts it): builds the catalog
 * from the spec texts the main thread read, resolves the same engine inputs, then claims units of
 * the engine's output from the shared counter and renders them until none is left. Each unit's
 * files are encoded and hashed here and their bytes handed to the main thread, which writes them;
 * an error is handed on as its name, message and stack. It claims no unit more than `ahead`
 * beyond those the main thread took, so a slow disk never makes the output pile up in memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { engineArtifactUnits, renderEngineArtifactUnit } from '../../layers/layer';
import { buildCatalog } from '../../slos/catalog';
import { engineInputs } from '../engine-inputs';
import { encodeArtifact } from '../generated-output';
import { NEXT, TAKEN, type WorkerData, type WorkerMessage } from './render-workers';

const { files, options, units: mine, ahead, shared } = workerData as WorkerData;
const post = (message: WorkerMessage) =>
  parentPort!.postMessage(message, 'artifacts' in message ? message.artifacts.map((a) => a.bytes.buffer as ArrayBuffer) : []);

let position = -1;
try {
  const { catalog } = buildCatalog(files);
  if (!catalog) throw new Error('internal: the specs the main thread validated do not build a catalog in a worker thread');
  const { inputs } = engineInputs(options, catalog);
  if (!inputs) throw new Error('internal: the engine inputs the main thread resolved do not resolve in a worker thread');
  const units = engineArtifactUnits(catalog);
  for (;;) {
    // wait while `ahead` units are claimed and not yet taken by the main thread
    for (let t = Atomics.load(shared, TAKEN); Atomics.load(shared, NEXT) - t >= ahead; t = Atomics.load(shared, TAKEN))
      Atomics.wait(shared, TAKEN, t);
    position = Atomics.add(shared, NEXT, 1);
    if (position >= mine.length) break;
    const artifacts = renderEngineArtifactUnit(catalog, inputs, units[mine[position]!]!).map(encodeArtifact);
    post({ position, artifacts });
  }
  post({ done: true });
} catch (e) {
  const error = e instanceof Error ? e : new Error(String(e));
  post({ position, error: { name: error.name, message: error.message, stack: error.stack } });
}
