#!/usr/bin/env node
// Builds dist/, the JavaScript the package ships and the repository runs: one esbuild build of
// the `slo` CLI (a dispatcher and one file per command, so `slo validate` never parses the
// dashboard code) and of the synth app (main.ts), each with every dependency bundled in. A
// consumer therefore installs one tarball with no dependencies and no install scripts, and
// `cdktf synth` runs one file with plain node instead of TypeScript through tsx (a third of the
// CPU; bench/synth.bench.ts measures it).
//
// Run by `npm run build`, by the npm `prepare` script (npm ci, npm pack, a git dependency) and by
// bin/synth.js when a source changed since the last build. It skips the build when dist/ is
// fresh, unless `--force` is given.
'use strict';
const { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { dirname, join, relative, resolve, sep } = require('node:path');
const { DIST, ROOT, distState } = require('./dist');

/** The committed JSON Schemas, shipped for editors (the spec modeline can point at them). */
const SCHEMAS = [
  { from: join('slos', 'schema.json'), to: join('schema', 'slo.schema.json') },
  { from: join('environments', 'schema.json'), to: join('schema', 'environment.schema.json') },
];

/** Repository paths with forward slashes, the same on every platform. */
const posix = (p) => p.split(sep).join('/');

/**
 * `__dirname` in a source file means that file's folder (e.g. the bundled environments). In a
 * bundle it would be dist/, so it becomes the source folder's path relative to dist/, which holds
 * in this checkout, a moved one and an installed package (it ships those folders' data files).
 */
const sourceDirname = {
  name: 'source-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!/\b__dirname\b/.test(text)) return { contents: text, loader: 'ts' };
      const dir = posix(relative(DIST, dirname(args.path)));
      return { contents: text.replace(/\b__dirname\b/g, `require("node:path").join(__dirname, ${JSON.stringify(dir)})`), loader: 'ts' };
    });
  },
};

/** The dispatcher loads each command lazily from its own file beside it, as the sources do. */
const lazyCommands = {
  name: 'lazy-commands',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/[a-z-]+$/ }, (args) => ({ path: `./slo-${args.path.split('/')[2]}.js`, external: true }));
  },
};

/**
 * cdktf records where every token was created (`creationStack`), only to print it in an error
 * message, and formats a complete stack trace each time: a tenth of a synth's CPU. In the bundle,
 * its capture keeps V8's structured frames and formats them when the stack is first read, to the
 * same text; nothing in the synthesized output comes from it (the bin/synth.js test compares).
 */
const lazyCreationStacks = {
  name: 'lazy-creation-stacks',
  setup(build) {
    build.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, () => ({
      loader: 'js',
      contents: `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.captureStackTrace = captureStackTrace;
function captureStackTrace(below) {
  const holder = {};
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    Error.captureStackTrace(holder, below || captureStackTrace);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  let lines;
  const read = () => (lines ??= holder.stack ? holder.stack.split("\\n").slice(1).map((s) => s.replace(/^\\s*at\\s+/, "")) : []);
  return new Proxy([], {
    get(_, key) {
      const value = read()[key];
      return typeof value === "function" ? value.bind(read()) : value;
    },
  });
}
`,
    }));
  },
};

/** Entry points: output name (in dist/) → source. The worker thread of `slo generate` has its own. */
function entryPoints() {
  const entries = {
    slo: join(ROOT, 'bin', 'slo.ts'),
    synth: join(ROOT, 'main.ts'),
    'slo-generate-worker': join(ROOT, 'bin', 'private', 'generate-worker.ts'),
  };
  for (const f of readdirSync(join(ROOT, 'bin', 'commands')).filter((n) => n.endsWith('.ts'))) {
    entries[`slo-${f.replace(/\.ts$/, '')}`] = join(ROOT, 'bin', 'commands', f);
  }
  return entries;
}

/**
 * Builds dist/ from the sources. Files are written to a temporary folder first and moved in one
 * by one, the manifest last, so a reader never takes a half-written build for a fresh one.
 */
async function build() {
  const esbuild = require('esbuild');
  const builtAtMs = Date.now();
  const tmp = join(DIST, `.build-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: entryPoints(),
      outdir: tmp,
      bundle: true,
      platform: 'node',
      // The oldest Node that runs the bundles: the build machine's 20 (engines names 22 and 24).
      target: 'node20',
      format: 'cjs',
      plugins: [sourceDirname, lazyCommands, lazyCreationStacks],
      metafile: true,
      logLevel: 'silent',
      legalComments: 'eof',
    });
    // The repository sources of each output, for the freshness check: a change to one command's
    // code leaves the other bundles in use. Dependencies are covered by package-lock.json.
    const outputs = {};
    for (const [out, meta] of Object.entries(result.metafile.outputs)) {
      outputs[posix(relative(tmp, resolve(ROOT, out)))] = Object.keys(meta.inputs)
        .filter((p) => !p.includes('node_modules/'))
        .map((p) => posix(relative(ROOT, resolve(ROOT, p))))
        .concat(['package-lock.json', 'bin/bundle.js'])
        .sort();
    }
    mkdirSync(join(tmp, 'schema'), { recursive: true });
    for (const s of SCHEMAS) copyFileSync(join(ROOT, s.from), join(tmp, s.to));
    const synthId = createHash('sha256')
      .update(readFileSync(join(tmp, 'synth.js')))
      .digest('hex')
      .slice(0, 16);
    mkdirSync(join(DIST, 'schema'), { recursive: true });
    const keep = new Set(['manifest.json', '.cache', 'schema', tmp.split(sep).pop()]);
    for (const f of [...Object.keys(outputs), ...SCHEMAS.map((s) => posix(s.to))]) {
      renameSync(join(tmp, f), join(DIST, f));
      keep.add(f);
    }
    // Outputs of an earlier build that this one no longer makes (say, a removed command).
    for (const f of readdirSync(DIST)) if (!keep.has(f)) rmSync(join(DIST, f), { recursive: true, force: true });
    const manifest = { builtAtMs, synthId, outputs };
    writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(join(tmp, 'manifest.json'), join(DIST, 'manifest.json'));
    return manifest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { build };

if (require.main === module) {
  const force = process.argv.includes('--force');
  const state = distState();
  if (state === 'packaged') {
    // An installed package ships dist/ built; were its `prepare` ever run, there is nothing to do.
    process.stdout.write('slo: installed package, dist/ is already built\n');
  } else if (!force && state === 'fresh') {
    process.stdout.write(`slo: ${posix(relative(process.cwd(), DIST)) || '.'} is up to date\n`);
  } else {
    const t0 = Date.now();
    build().then(
      () => process.stdout.write(`slo: built ${posix(relative(process.cwd(), DIST))} in ${Date.now() - t0} ms\n`),
      (e) => {
        process.stderr.write(`slo: build failed: ${e.message}\n`);
        process.exitCode = 1;
      },
    );
  }
}
