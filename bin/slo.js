#!/usr/bin/env node
// Entry point of the `slo` CLI. TypeScript sources run through tsx's CommonJS hook (no build
// step); only the modules a command needs are loaded, never cdktf.
'use strict';
require('tsx/cjs');
require('./slo.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
