// ESLint flat config (`npm run lint`). TypeScript is linted with type information (typescript-eslint's
// recommended-type-checked, STYLE.md practice 19), JavaScript (bench, scripts, examples) without it.
// Layout is Prettier's job (`npm run format`). The layer rules stay in test/architecture/layers.test.ts:
// an allow-list on resolved paths there would be, as no-restricted-imports, a deny-list per layer spelt
// out again for each folder depth.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Fixtures are deliberately odd programs (a syntax error, a CommonJS module, a throw at load).
  globalIgnores(['dist/', 'out/', 'bench/results/', 'test/fixtures/']),
  js.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `x == null` is the one loose comparison worth keeping: null or undefined, nothing else.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Prettier wraps code; this catches what it cannot (long strings and comments).
      'max-len': ['error', { code: 120, ignoreUrls: true }],
      // Escaping control characters is a job taskkit has (crontab import, output).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // A union that grows (a new status, stop cause or schedule kind) must reach every switch on it.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Only the `return await` that changes behaviour (inside try/catch/finally), not the style.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // tsc's noUnusedLocals and noUnusedParameters own this (and allow `{ omitted: _, ...rest }`).
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // STYLE.md practice 2: named exports only.
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use a named export.' }],
      // STYLE.md practice 7: the CLI writes through its injected io, the daemon through its log.
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Return an exit code; only bin/taskkit sets it.' },
        { object: 'process', property: 'stdout', message: 'Write through the injected io (cli/io.ts).' },
      ],
    },
  },
  {
    // The two places that own the real process streams: the CLI's io, and a module worker's.
    files: ['src/cli/io.ts', 'src/runner/module-worker.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Fakes and fixtures hand out closures (`const { eventsOf } = setUp()`), not methods that need `this`.
      '@typescript-eslint/unbound-method': 'off',
      // expect.any(), expect.stringMatching() and parsed JSON are `any` by design in assertions.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // Task functions under test are async without awaiting, and some reject with a non-Error on purpose.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
);
