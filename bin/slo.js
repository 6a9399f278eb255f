#!/usr/bin/env node
// Entry point of the `slo` CLI. It runs the prebuilt bundle (bin/bundle.js, built by `npm ci`
// through the `prepare` script) when no source it was built from has changed since, and
// otherwise the TypeScript sources through tsx's CommonJS hook. The bundle starts in about half
// the time: it skips transforming TypeScript and resolving hundreds of module files. Only the
// modules a command needs are loaded, never cdktf.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
/** Where bin/bundle.js writes the bundle; node_modules keeps it out of git and is rebuilt by npm ci. */
const CACHE = join(ROOT, 'node_modules', '.cache', 'slo-cli');

/**
 * The prebuilt bundle's entry when it and the bundle of `command` are fresh (built after every
 * source they contain last changed), or undefined: none, stale, moved, or SLO_NO_BUNDLE set.
 */
function bundlePath(command = 'validate', cache = CACHE) {
  if (process.env.SLO_NO_BUNDLE) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8'));
    if (manifest.root !== ROOT) return undefined;
    const commandOutput = `commands/${command}.js`;
    const inputs = [...manifest.outputs['slo.js'], ...(manifest.outputs[commandOutput] || [])];
    for (const input of inputs) {
      if (statSync(join(ROOT, input)).mtimeMs > manifest.builtAtMs) return undefined;
    }
    return join(cache, 'slo.js');
  } catch {
    return undefined;
  }
}

/** The CLI module: the bundle when fresh, else the sources through tsx. */
function load(command) {
  const bundle = bundlePath(command);
  if (bundle) {
    try {
      return require(bundle);
    } catch {
      // A bundle that cannot load is as good as none: the sources are the truth.
    }
  }
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
