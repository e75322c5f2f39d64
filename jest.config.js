/** Tests run through @swc/jest (transpile only); `npm run typecheck` is the type check. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // The two cores are shared by all workers; more workers than cores only adds contention.
  maxWorkers: 2,
  // jest's runtime with V8's code cache: most of a test file's fixed cost is compiling cdktf and cdk8s again.
  runtime: '<rootDir>/test/jest-runtime.js',
};
