const { availableParallelism } = require('node:os');

/** Jest runs TypeScript through esbuild (jest.transform.js); `tsc --noEmit` type-checks separately. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.transform.js' },
  // Inline snapshots are written without reformatting (jest 29 would need prettier 2 for that).
  prettierPath: null,
  testTimeout: 60000,
  // Jest's default (one worker fewer than CPUs) runs the suites one at a time on two cores, while
  // the slow suites mostly wait on promtool, terraform or the CLI in child processes: one worker
  // per CPU, and at least two, keeps both cores busy.
  maxWorkers: Math.max(2, availableParallelism()),
};
