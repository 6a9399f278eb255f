const { availableParallelism } = require('node:os');

// promtool (Go) in the suites collects garbage less often: about 20 % less CPU for the same
// results, measured on the 2-core machine (GOMAXPROCS=1 saved more CPU but, under load, made the
// longest promtool run slower by the clock). A value set by the caller wins.
process.env.GOGC ??= '400';

/** Jest runs TypeScript through esbuild (jest.transform.js); `tsc --noEmit` type-checks separately. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.transform.js' },
  // Every temporary folder of the run under one scratch folder, removed at the end.
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
  // Stacks captured on plain objects (cdktf, per token) skip source maps; after jest installs them.
  setupFilesAfterEnv: ['<rootDir>/jest.stack-traces.js'],
  // Inline snapshots are written without reformatting (jest 29 would need prettier 2 for that).
  prettierPath: null,
  // A timeout only catches a hang: on the shared 2-core machine a busy minute has held a test that
  // runs promtool past 60 s.
  testTimeout: 180000,
  // Jest's default (one worker fewer than CPUs) runs the suites one at a time on two cores, while
  // the slow suites mostly wait on promtool, terraform or the CLI in child processes: one worker
  // per CPU, and at least two, keeps both cores busy.
  maxWorkers: Math.max(2, availableParallelism()),
};
