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
      // A whole spec schema passed where the classic z.ZodType is expected makes tsc relate that
      // class's every method: a third of the type check's types (slos/zod-problem.ts).
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSTypeReference[typeName.left.name='z'][typeName.right.name='ZodType']",
          message:
            "Type a schema parameter as zod's core z.core.$ZodType, not z.ZodType: relating a spec schema to the classic type costs tsc a third of its check.",
        },
      ],
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
