// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules, without the
// type-aware ones so that `npm run lint` stays fast enough for `npm test` (tsc checks types).
// Formatting is Prettier's business: eslint-config-prettier turns off the rules it covers.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'examples/**',
      'test/fixtures/**',
      'test/golden/**',
      'test/e2e/workspace/**',
      'artifacts/**',
      'test-results/**',
      '**/.lambda-lens/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
    },
    rules: {
      // `let { a, b } = …` where only `a` is reassigned later stays one declaration.
      'prefer-const': ['error', { destructuring: 'all' }],
      // `_name` marks a parameter kept for its position (a callback's signature).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Plain Node.js scripts and the CommonJS entry point.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
