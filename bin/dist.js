// Where the built JavaScript lives (dist/, written by bin/bundle.js) and whether it may be run.
// In an installed package dist/ is all there is (the sources are not shipped), so it is the
// truth. In a checkout, a bundle is used only while it is fresh: built after every source it
// holds, package-lock.json and the build script last changed.
'use strict';
const { existsSync, readFileSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');

/** True in an installed package: the TypeScript sources are not there, only dist/. */
function isPackaged(root = ROOT) {
  return !existsSync(join(root, 'bin', 'slo.ts'));
}

/** dist/manifest.json, or undefined when there is none (never built, or being replaced). */
function readManifest(dist = DIST) {
  try {
    return JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * `'packaged'`, `'fresh'` or `'stale'` for the dist/ outputs named (every output when none is
 * named). Stale: no manifest, an output or a source gone, or a source changed since the build.
 */
function distState(outputs, { root = ROOT, dist = DIST } = {}) {
  if (isPackaged(root)) return 'packaged';
  const manifest = readManifest(dist);
  if (!manifest) return 'stale';
  const names = outputs ?? Object.keys(manifest.outputs);
  try {
    for (const name of names) {
      const inputs = manifest.outputs[name];
      if (!inputs || !existsSync(join(dist, name))) return 'stale';
      for (const input of inputs) if (statSync(join(root, input)).mtimeMs > manifest.builtAtMs) return 'stale';
    }
  } catch {
    return 'stale';
  }
  return 'fresh';
}

module.exports = { DIST, ROOT, distState, isPackaged, readManifest };
