/** Jest runs TypeScript through esbuild (jest.transform.js); `tsc --noEmit` type-checks separately. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/jest.transform.js' },
  // Inline snapshots are written without reformatting (jest 29 would need prettier 2 for that).
  prettierPath: null,
  testTimeout: 60000,
};
