const { rmSync } = require('node:fs');

/** Removes the run's scratch folder (jest.global-setup.js), and only that folder. */
module.exports = function globalTeardown() {
  const scratch = process.env.SLO_PLATFORM_JEST_SCRATCH;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
};
