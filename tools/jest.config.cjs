const preset = require('../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'workspace',
  rootDir: require('node:path').join(__dirname, '..'),
  roots: ['<rootDir>/tools'],
  testMatch: ['<rootDir>/tools/**/*.spec.ts'],
};
