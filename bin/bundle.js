#!/usr/bin/env node
// Builds the `slo` CLI bundle that bin/slo.js prefers when fresh: one file for the dispatcher and
// one per command (so `slo validate` never parses the dashboard or alert code), with esbuild,
// which tsx already brings. Run by the npm `prepare` script; it never fails an install: without
// a bundle the CLI runs from the sources through tsx, only slower.
'use strict';
const { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'slo-cli');

/**
 * Bundled modules keep the directory of their source for `__dirname` (e.g. the environments
 * directory), instead of the bundle's. The manifest records ROOT, so a moved checkout is stale.
 */
const keepDirname = {
  name: 'keep-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!/\b__dirname\b/.test(text)) return { contents: text, loader: 'ts' };
      return { contents: text.replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path))), loader: 'ts' };
    });
  },
};

async function build() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return 'esbuild is not installed';
  }
  const builtAtMs = Date.now();
  const commands = readdirSync(join(ROOT, 'bin', 'commands')).filter((f) => f.endsWith('.ts'));
  const entryPoints = { slo: join(ROOT, 'bin', 'slo.ts') };
  for (const c of commands) entryPoints[`commands/${c.replace(/\.ts$/, '')}`] = join(ROOT, 'bin', 'commands', c);
  rmSync(CACHE, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: CACHE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The dispatcher loads each command from its own file, lazily, as the sources do.
    // cdktf is never bundled: were a command ever to reach it, it would load from node_modules
    // where the bench's probe (and a reader of the bundle) can see it.
    external: ['./commands/*', 'cdktf', 'constructs', '@cdktf/*'],
    plugins: [keepDirname],
    metafile: true,
    logLevel: 'silent',
  });
  // The sources of each output file, so a change to one command's code (say, dashboards) leaves
  // the other commands' bundles in use.
  const outputs = {};
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    outputs[relative(CACHE, resolve(ROOT, out))] = Object.keys(meta.inputs)
      .filter((p) => !p.includes('node_modules/'))
      .map((p) => relative(ROOT, resolve(ROOT, p)))
      .sort();
  }
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, 'manifest.json'), `${JSON.stringify({ root: ROOT, builtAtMs, outputs }, null, 2)}\n`);
  return undefined;
}

build().then(
  (skipped) => {
    if (skipped) process.stderr.write(`slo: cli bundle not built (${skipped}); bin/slo.js will run the sources through tsx\n`);
    else process.stdout.write(`slo: cli bundle built in ${relative(ROOT, CACHE)}\n`);
  },
  (e) => {
    rmSync(CACHE, { recursive: true, force: true });
    process.stderr.write(`slo: cli bundle not built (${e.message.split('\n')[0]}); bin/slo.js will run the sources through tsx\n`);
  },
);
