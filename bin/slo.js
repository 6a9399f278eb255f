#!/usr/bin/env node
// Entry point of the `slo` CLI. TypeScript sources run through tsx's CommonJS hook (no build
// step); only the modules a command needs are loaded, never cdktf.
'use strict';
if (require.main === module) {
  require('tsx/cjs');
  require('./slo.ts')
    .main(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    });
} else {
  // Required, not run: a test runner that transforms TypeScript itself (jest resolves
  // `bin/slo` to this file before `bin/slo.ts`) gets the CLI's exports.
  module.exports = require('./slo.ts');
}
