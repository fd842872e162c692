const path = require('node:path');
const preset = require('../../jest.preset.cjs');

// Component tests for the admin console: real components, real naive-ui, real schedule engine,
// rendered in jsdom. HTTP is never called here (the e2e project drives the real API).
module.exports = {
  ...preset,
  displayName: 'admin',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  // Vue and friends must resolve to their Node (CommonJS) builds, not the browser ESM ones.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  setupFiles: ['<rootDir>/test/setup-dom.cjs'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'vue', 'json'],
  transform: {
    '^.+\\.vue$': path.join(__dirname, 'test/vue-transform.cjs'),
    '^.+\\.(t|j|mj)s$': preset.transform['^.+\\.(t|j)s$'],
  },
  transformIgnorePatterns: ['/node_modules/(?!(lodash-es|date-fns|date-fns-tz|echarts|zrender|vue-echarts)/)'],
};
