const preset = require('../../jest.preset.cjs');

// Real-browser tests: the server as `npm start` runs it, Debian's Chromium through playwright-core.
module.exports = {
  ...preset,
  displayName: 'admin-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 120_000,
};
