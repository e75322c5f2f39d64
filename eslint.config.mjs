// @ts-check
import tseslint from 'typescript-eslint';

const barrelMessage =
  'Import provider classes one by one (e.g. "@cdktf/provider-aws/lib/vpc"): the barrel loads every resource class and makes synth ~15x slower.';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdktf.out/**', 'dist/**', 'lib/**', 'coverage/**', 'examples/**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@cdktf/provider-aws', message: barrelMessage },
            { name: '@cdktf/provider-kubernetes', message: barrelMessage },
            { name: '@cdktf/provider-helm', message: barrelMessage },
          ],
          // The deep path `@cdktf/provider-aws/lib/vpc` is fine; `.../lib` and `.../lib/index` are the barrel again.
          patterns: [{ regex: '^@cdktf/provider-[a-z0-9-]+/lib(/index(\\.js)?)?/?$', message: barrelMessage }],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
);
