#!/usr/bin/env node
// The cdktf app (cdktf.json `app`, `npm run synth`): runs dist/synth.js, main.ts bundled with
// cdktf and the provider classes it uses, with plain node. In a checkout it first rebuilds dist/
// when a source changed since the last build (bin/dist.js; the check stats a few hundred files).
//
// V8 code cache: the bundle is compiled through vm.Script with the cached data of the last run of
// the same build on the same Node, which saves most of the parse and compile time of its 6 MB.
// The cache is written after a successful run, so it also holds the functions compiled lazily
// while synthesizing. It lives in dist/.cache/, keyed by the bundle's hash (V8 itself only
// checks the source length) and the Node version; a cache V8 rejects is rewritten.
'use strict';
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');
const { DIST, distState, readManifest } = require('./dist');

const BUNDLE = join(DIST, 'synth.js');
const CACHE_DIR = join(DIST, '.cache');

/** Runs `file`, a CommonJS bundle, in this process, through the code cache named by `cacheKey`. */
function runWithCodeCache(file, cacheKey) {
  const cacheFile = join(CACHE_DIR, `synth-${cacheKey}-${process.version}-${process.arch}.v8`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', (code) => {
      if (code === 0) writeCodeCache(cacheFile, script);
    });
  }
  const module = { exports: {}, filename: file };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
}

/** Writes the cache atomically, replacing older ones; a read-only dist/ just goes without. */
function writeCodeCache(cacheFile, script) {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    for (const f of readdirSync(CACHE_DIR)) if (f.startsWith('synth-')) rmSync(join(CACHE_DIR, f), { force: true });
    const tmp = `${cacheFile}.${process.pid}`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    // Without a cache the next run only compiles again.
  }
}

async function main() {
  const state = distState(['synth.js']);
  if (state === 'stale') await require('./bundle').build();
  const manifest = readManifest();
  if (!manifest) throw new Error(`${BUNDLE} is missing: the package was packed without its build (npm run build)`);
  runWithCodeCache(BUNDLE, manifest.synthId);
}

main().catch((e) => {
  process.stderr.write(`slo synth: ${e.message}\n`);
  process.exitCode = 1;
});
