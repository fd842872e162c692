// `npm test` runs every project in one jest process against one real PostgreSQL, so the
// summary covers everything. See tools/testing/global-setup.mjs.
module.exports = {
  projects: ['<rootDir>/libs/cron', '<rootDir>/libs/contracts', '<rootDir>/apps/api', '<rootDir>/apps/admin', '<rootDir>/apps/admin-e2e', '<rootDir>/tools'],
  globalSetup: '<rootDir>/tools/testing/global-setup.mjs',
  testTimeout: 30_000,
  // Tests run in band on two cores, so a handle one file leaves open (a server, a pool) would
  // keep the whole run from ending; results are complete by then. Test apps close their HTTP
  // servers even when a shutdown hook fails (apps/api/test/test-app.ts).
  forceExit: true,
  globalTeardown: '<rootDir>/tools/testing/global-teardown.mjs',
};
