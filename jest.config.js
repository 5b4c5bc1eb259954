import { existsSync } from 'node:fs';

/** Jest runs the TypeScript sources as ESM through SWC (no type checking here: `npm run typecheck` does that). */
export default {
  testEnvironment: 'node',
  roots: ['bot', 'channels', 'dialogs', 'engagement', 'knowledge', 'vision', 'evaluations'].filter((dir) => existsSync(dir)).map((dir) => `<rootDir>/${dir}`),
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    // SWC, with the built-ins hot code reads bound per module (see the file: global reads are slow in Jest's vm).
    '^.+\\.ts$': ['<rootDir>/jest.transform.mjs', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    }],
  },
  // The packaged word vectors' cache, made once before the workers start (see the file).
  globalSetup: '<rootDir>/jest.global-setup.mjs',
  testTimeout: 30000,
  maxWorkers: 2,
};
