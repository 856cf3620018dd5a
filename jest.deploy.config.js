/**
 * The container suites (`npm run test:deploy`): build the OCI image with podman and run it, and the compose stack.
 * Slow (an image build), so apart from `npm test`; .ci/run runs them after the fault scenarios.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/deploy/**/*.deploy-spec.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
};
