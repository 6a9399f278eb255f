#!/usr/bin/env node
/**
 * Runs the cdktf app exactly as `cdktf synth` and `cdktf deploy` do: the `app` command of
 * cdktf.json, through the shell, in the repository root. `npm run synth` calls it, so the app's
 * command (its node flags included) is written in cdktf.json alone.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const { app } = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8'));
const r = spawnSync(app, { cwd: root, shell: true, stdio: 'inherit' });
if (r.error) {
  process.stderr.write(`cdktf app (${app}): ${r.error.message}\n`);
  process.exit(1);
}
process.exit(r.status ?? 1);
