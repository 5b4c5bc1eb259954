/** Jest runs the TypeScript sources as ESM through SWC (no type checking here: `npm run typecheck` does that). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/bot', '<rootDir>/channels', '<rootDir>/dialogs', '<rootDir>/knowledge', '<rootDir>/vision', '<rootDir>/evaluations'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    }],
  },
  testTimeout: 30000,
  maxWorkers: 2,
};
