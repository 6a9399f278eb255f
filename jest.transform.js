/**
 * Jest transform: TypeScript to CommonJS with esbuild (fast, no type-check; `tsc --noEmit` runs
 * first in `npm test`). esbuild ships prebuilt binaries for every platform through the registry,
 * which keeps `npm ci` reproducible.
 */
'use strict';
const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
    });
    return { code: result.code };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(version).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
};
