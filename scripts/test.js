#!/usr/bin/env node
/**
 * `npm test`: the type check, lint, format check and jest, started at once rather than one after
 * the other. On two cores jest spends much of its time waiting on promtool and terraform, which
 * the static checks fill. Each check is the package.json script of the same name (the one place
 * that says how it runs), run as npm runs scripts: through the shell, with node_modules/.bin first
 * on PATH. jest prints as it goes; the output of every other check is held back and printed whole
 * when it fails (a passing check prints only its summary line), so outputs never interleave.
 * Exits 1 when any check fails, after all have finished, with one summary line per check.
 *
 * Arguments go to jest: `npm test -- tests/slos` runs the static checks and those suites.
 */
'use strict';
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { delimiter, join } = require('node:path');

const root = join(__dirname, '..');
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The checks, by package.json script; the last one streams its output. */
const CHECKS = ['typecheck', 'lint', 'format:check', 'jest'];
const env = { ...process.env, PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter) };
const quote = (arg) => `'${arg.replaceAll("'", "'\\''")}'`;
const children = new Set();

/** Runs one script; resolves to its exit code, seconds taken and held-back output. */
function run(name, extraArgs, stream) {
  const started = process.hrtime.bigint();
  const command = [scripts[name], ...extraArgs.map(quote)].join(' ');
  const child = spawn('sh', ['-c', command], {
    cwd: root,
    env,
    stdio: ['ignore', stream ? 'inherit' : 'pipe', stream ? 'inherit' : 'pipe'],
  });
  children.add(child);
  const chunks = [];
  if (!stream) {
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
  }
  return new Promise((resolve) => {
    const done = (code) => {
      children.delete(child);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ name, command, code, seconds, output: Buffer.concat(chunks).toString() });
    };
    child.on('error', (error) => {
      chunks.push(Buffer.from(`${error.message}\n`));
      done(127);
    });
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(130);
  });
}

async function main() {
  const missing = CHECKS.filter((name) => typeof scripts[name] !== 'string');
  if (missing.length > 0) {
    process.stderr.write(`npm test: package.json has no script ${missing.join(', ')}\n`);
    return 2;
  }
  const results = await Promise.all(
    CHECKS.map((name, i) => {
      const last = i === CHECKS.length - 1;
      return run(name, last ? process.argv.slice(2) : [], last).then((r) => {
        if (!last && r.code !== 0) {
          const head = `npm test: ${name} (${r.command}) failed with exit ${r.code}`;
          process.stdout.write(`\n${head}\n${r.output.trimEnd()}\n`);
        }
        return r;
      });
    }),
  );
  process.stdout.write('\n');
  for (const r of results) {
    process.stdout.write(`npm test: ${r.code === 0 ? 'ok    ' : 'FAILED'} ${r.name.padEnd(12)} ${r.seconds.toFixed(1).padStart(6)} s\n`);
  }
  const failed = results.filter((r) => r.code !== 0);
  if (failed.length > 0) process.stderr.write(`npm test: failed: ${failed.map((r) => r.name).join(', ')}\n`);
  return failed.length > 0 ? 1 : 0;
}

main().then((code) => process.exit(code));
