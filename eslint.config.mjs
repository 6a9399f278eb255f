// Lint: typescript-eslint's recommended rules, without type information (fast enough for every
// test run); tsc --noEmit does the type checking.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'out/', 'providers/', 'coverage/', 'dist/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // The CLI loads command modules lazily with require() so start-up stays fast (and the peers
      // script its checks, so a usage error answers at once).
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^\\./commands/', '^\\./compare-peers-checks$', '^tsx/cjs$', '^\\./slo\\.ts$', '^@prometheus-io/lezer-promql$'] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: {
      // Plain CommonJS files (jest config, the CLI shim) use require by nature.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
