import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.parley/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Browser code (bundled by esbuild, type-checked by tsconfig.browser.json): browser globals, none of Node's.
    files: ['channels/webchat/widget/**/*.ts', 'evaluations/dashboard/ui/**/*.ts'],
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', location: 'readonly', navigator: 'readonly', localStorage: 'readonly', WebSocket: 'readonly',
        fetch: 'readonly', FormData: 'readonly', URLSearchParams: 'readonly', Node: 'readonly', confirm: 'readonly',
        process: 'off', Buffer: 'off',
      },
    },
  },
);
