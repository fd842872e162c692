// `npm test` runs every project in one jest process against one real PostgreSQL, so the
// summary covers everything. See tools/testing/global-setup.mjs.
module.exports = {
  projects: ['<rootDir>/libs/cron', '<rootDir>/libs/contracts', '<rootDir>/apps/api', '<rootDir>/apps/admin', '<rootDir>/apps/admin-e2e', '<rootDir>/tools'],
  globalSetup: '<rootDir>/tools/testing/global-setup.mjs',
  testTimeout: 30_000,
  globalTeardown: '<rootDir>/tools/testing/global-teardown.mjs',
};
