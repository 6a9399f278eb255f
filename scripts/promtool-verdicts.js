#!/usr/bin/env node
/**
 * The recorded promtool verdicts of the jest run (tests/__golden__/promtool/, replayed by
 * jest.promtool-cache.js):
 *
 * - `record` (`npm run promtool:record`) removes them and runs the whole jest suite with every
 *   cacheable promtool run made for real and recorded, so only the verdicts the suite uses remain;
 * - `verify` (`npm run promtool:verify`, a CI step after npm test) runs the real promtool on the
 *   recorded inputs of every verdict, in a scratch folder, and fails when its exit code or output
 *   differs, when a verdict's name is not the key of its content, or when it was recorded with
 *   another promtool version.
 *
 * promtool is `$PROMTOOL`, else the first on PATH, as in the tests.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { availableParallelism, tmpdir } = require('node:os');
const { dirname, join, resolve } = require('node:path');
const { findPromtool, promtoolVersion, readVerdict, spawnPromtool, verdictKeyOf, VERDICTS_DIR } = require('../jest.promtool-cache.js');

const root = join(__dirname, '..');

function record() {
  rmSync(VERDICTS_DIR, { recursive: true, force: true });
  const r = spawnSync(join(root, 'node_modules', '.bin', 'jest'), [], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SLO_PLATFORM_PROMTOOL_RECORD: '1', SLO_PLATFORM_NO_PROMTOOL_CACHE: '' },
  });
  const count = readdirSync(VERDICTS_DIR, { withFileTypes: true }).filter((e) => e.name.endsWith('.json.gz')).length;
  process.stdout.write(`promtool:record: ${count} verdicts in ${VERDICTS_DIR}\n`);
  return r.status ?? 1;
}

/** Runs promtool as the verdict's run did, in `dir`; resolves to its exit code and output by stream. */
function rerun(promtool, verdict, dir) {
  return new Promise((done) => {
    const child = spawnPromtool(promtool, verdict.args, verdict.merged, { cwd: dir, stdin: 'ignore' });
    const out = { 1: [], 2: [] };
    child.stdout.on('data', (d) => out[1].push(d));
    child.stderr?.on('data', (d) => out[2].push(d));
    child.on('error', () => done({ code: 127, out: { 1: '', 2: '' } }));
    child.on('close', (code) =>
      done({ code, out: { 1: Buffer.concat(out[1]).toString('latin1'), 2: Buffer.concat(out[2]).toString('latin1') } }),
    );
  });
}

/** The problem with one recorded verdict, or undefined when promtool still says the same. */
async function check(promtool, version, file, scratch) {
  const key = file.slice(0, -'.json.gz'.length);
  const verdict = readVerdict(key);
  if (!verdict) return 'unreadable';
  if (verdict.version !== version) return `recorded with ${verdict.version}, this promtool is ${version}`;
  if (verdictKeyOf(verdict.version, verdict.args, verdict.merged, verdict.inputs) !== key) return 'its name is not the key of its content';
  const dir = join(scratch, key);
  for (const [name, text] of verdict.inputs) {
    const [test, rule] = name.split(' -> ');
    const path = rule === undefined ? resolve(dir, test) : resolve(dirname(resolve(dir, test)), rule);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  const now = await rerun(promtool, verdict, dir);
  const then = { 1: '', 2: '' };
  for (const [fd, bytes] of verdict.chunks) then[fd] += bytes;
  if (now.code !== verdict.code) return `exit ${now.code}, recorded ${verdict.code}`;
  for (const fd of [1, 2]) if (now.out[fd] !== then[fd]) return `${fd === 1 ? 'stdout' : 'stderr'} differs from the recorded one`;
  return undefined;
}

async function verify() {
  const promtool = findPromtool();
  if (!promtool) {
    process.stderr.write('promtool:verify: promtool not found: install it with `apt-get install prometheus` (Debian/Ubuntu)\n');
    return 1;
  }
  const version = promtoolVersion(promtool);
  if (!version) {
    process.stderr.write(`promtool:verify: ${promtool} --version does not name a promtool version\n`);
    return 1;
  }
  const files = readdirSync(VERDICTS_DIR)
    .filter((f) => f.endsWith('.json.gz'))
    .sort();
  const scratch = mkdtempSync(join(tmpdir(), 'slo-promtool-verify-'));
  const problems = [];
  try {
    const queue = [...files];
    const workers = Array.from({ length: Math.max(1, availableParallelism()) }, async () => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
        const problem = await check(promtool, version, f, scratch);
        if (problem) problems.push(`${f}: ${problem}`);
      }
    });
    await Promise.all(workers);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const p of problems.sort()) process.stderr.write(`promtool:verify: ${p}\n`);
  if (problems.length > 0) {
    process.stderr.write('promtool:verify: recorded verdicts differ from promtool: run `npm run promtool:record` and review the diff\n');
    return 1;
  }
  process.stdout.write(`promtool:verify: ${files.length} recorded verdicts match ${version}\n`);
  return 0;
}

const command = process.argv[2];
if (command === 'record') process.exitCode = record();
else if (command === 'verify') verify().then((code) => (process.exitCode = code));
else {
  process.stderr.write('usage: node scripts/promtool-verdicts.js record|verify\n');
  process.exitCode = 2;
}
