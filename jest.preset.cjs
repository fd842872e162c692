// Shared by every project's jest config: SWC keeps decorator metadata (Nest DI needs it)
// and is an order of magnitude faster than ts-jest on two cores.
const path = require('node:path');

const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const root = __dirname;

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swcTransform },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@zer08/cron$': path.join(root, 'libs/cron/src/index.ts'),
    '^@zer08/contracts$': path.join(root, 'libs/contracts/src/index.ts'),
  },
};
