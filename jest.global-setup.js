const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/**
 * One scratch folder for the whole jest run, as every process's TMPDIR: the temporary folders the
 * suites and the libraries under them create (cdktf's `cdktf.outdir.*` for every synthesized app,
 * promtool and terraform work folders) land in it, and jest.global-teardown.js removes it, so a
 * test run leaves nothing behind in the system's temporary folder. The workers inherit it.
 */
module.exports = function globalSetup() {
  const scratch = mkdtempSync(join(tmpdir(), 'slo-platform-jest-'));
  process.env.SLO_PLATFORM_JEST_SCRATCH = scratch;
  process.env.TMPDIR = scratch;
};
