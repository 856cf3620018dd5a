/** Longer fault scenarios (database outages, crashes, shutdown, soak): `npm run test:faults`. */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  testTimeout: 120000,
  maxWorkers: 1,
};
