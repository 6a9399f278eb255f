/**
 * Jest transform: TypeScript to CommonJS with esbuild (fast, no type-check; `tsc --noEmit` runs
 * first in `npm test`). esbuild ships prebuilt binaries for every platform through the registry,
 * which keeps `npm ci` reproducible.
 *
 * Jest runs each test file in a `vm` context, where every read of a global (`Math`, `Infinity`,
 * `Object`, …) goes through the context's property interceptor instead of V8's fast global
 * lookup: a loop over `Math.max` ran about 100 times slower under jest than under plain node
 * (the summed-window arithmetic of the promtool scenarios: 10 s against 0.1 s). Each module
 * therefore reads the builtins it may use once, into module-scoped constants of the same names
 * (the same objects: a spy on `Math.random` still sees every call). Globals that jest or a test
 * replaces while modules are loaded (timers, `Date`, `process`, `console`) are left global.
 */
'use strict';
const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

/** Builtins that jest never replaces; read once per module, not through the context per use. */
const BUILTINS = [
  'Array',
  'BigInt',
  'Boolean',
  'Buffer',
  'Error',
  'Infinity',
  'JSON',
  'Map',
  'Math',
  'NaN',
  'Number',
  'Object',
  'RangeError',
  'Reflect',
  'RegExp',
  'Set',
  'String',
  'Symbol',
  'TypeError',
  'WeakMap',
  'isFinite',
  'isNaN',
  'parseFloat',
  'parseInt',
];
/** esbuild puts the banner before the code and maps the code below it. */
const PRELUDE = `const { ${BUILTINS.join(', ')} } = globalThis;`;

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
      banner: PRELUDE,
    });
    return { code: result.code };
  },
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(version)
      .update('\0')
      .update(PRELUDE)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex');
  },
};
