/** The bounded soak run (`npm run test:soak`), not part of `npm test`. */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/soak/**/*.soak-spec.ts'],
  testTimeout: 600000,
  maxWorkers: 1,
};
