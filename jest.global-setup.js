const { chmodSync, mkdirSync, mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { findPromtool, promtoolVersion } = require('./jest.promtool-cache.js');

/**
 * One scratch folder for the whole jest run, as every process's TMPDIR: the temporary folders the
 * suites and the libraries under them create (cdktf's `cdktf.outdir.*` for every synthesized app,
 * promtool and terraform work folders) land in it, and jest.global-teardown.js removes it, so a
 * test run leaves nothing behind in the system's temporary folder. The workers inherit it.
 *
 * When promtool is found ($PROMTOOL, else PATH, as `slo test` finds it), `$PROMTOOL` becomes a
 * launcher in the scratch folder that runs it through the result cache of jest.promtool-cache.js,
 * with its version (`promtool --version`, asked once here), which keys the recorded verdicts.
 * Without promtool nothing changes: the tests that need it fail with the install hint.
 */
module.exports = function globalSetup() {
  const scratch = mkdtempSync(join(tmpdir(), 'slo-platform-jest-'));
  process.env.SLO_PLATFORM_JEST_SCRATCH = scratch;
  process.env.TMPDIR = scratch;
  const promtool = findPromtool();
  if (promtool) {
    const dir = join(scratch, 'bin');
    mkdirSync(dir);
    const launcher = join(dir, 'promtool');
    const version = promtoolVersion(promtool);
    writeFileSync(
      launcher,
      `#!${process.execPath}\nrequire(${JSON.stringify(join(__dirname, 'jest.promtool-cache.js'))}).main(${JSON.stringify(promtool)}, ${JSON.stringify(version)});\n`,
    );
    chmodSync(launcher, 0o755);
    process.env.PROMTOOL = launcher;
  }
};
