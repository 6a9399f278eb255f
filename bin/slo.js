#!/usr/bin/env node
// Entry point of the `slo` CLI. It runs the built bundle in dist/ (bin/bundle.js): always in an
// installed package, and in a checkout while no source it was built from has changed since;
// otherwise the TypeScript sources through tsx's CommonJS hook. The bundle starts in about half
// the time: it skips transforming TypeScript and resolving hundreds of module files. Only the
// modules a command needs are loaded, never cdktf.
'use strict';
const { join } = require('node:path');
const { DIST, distState } = require('./dist');

/**
 * The bundle's entry when it may run `command` (see bin/dist.js), or undefined: in a checkout
 * with no fresh bundle, or with SLO_NO_BUNDLE set.
 */
function bundlePath(command = 'validate', options = {}) {
  // `slo generate` (and `slo test`, which runs it) may start worker threads from their own bundle
  const workers = command === 'generate' || command === 'test' ? ['slo-generate-worker.js'] : [];
  const state = distState(['slo.js', `slo-${command}.js`, ...workers], options);
  if (state === 'packaged') return join(options.dist ?? DIST, 'slo.js');
  if (process.env.SLO_NO_BUNDLE || state !== 'fresh') return undefined;
  return join(options.dist ?? DIST, 'slo.js');
}

/** The CLI module: the bundle when it may run, else the sources through tsx. */
function load(command) {
  const bundle = bundlePath(command);
  if (bundle) return require(bundle);
  require('tsx/cjs');
  return require('./slo.ts');
}

if (require.main === module) {
  load(process.argv[2])
    .main(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    });
} else {
  // Required, not run: jest resolves `bin/slo` to this file before `bin/slo.ts` and transforms
  // TypeScript itself, so the sources are required directly (and through tsx elsewhere).
  module.exports = {
    bundlePath,
    get main() {
      try {
        return require('./slo.ts').main;
      } catch {
        require('tsx/cjs');
        return require('./slo.ts').main;
      }
    },
    get usage() {
      return require('./slo.ts').usage;
    },
  };
}
