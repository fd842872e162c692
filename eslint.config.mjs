import nx from '@nx/eslint-plugin';
import vue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/tmp/**', '**/.data/**', '**/coverage/**', '**/.nx/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.vue'],
    rules: {
      // Dependencies point one way: apps -> libs, never libs -> apps, and libs/cron imports nothing.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:engine', onlyDependOnLibsWithTags: [], bannedExternalImports: ['*'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:admin', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Benchmarks measure the built output (dist/) beside the peers, so they import it by path.
  {
    files: ['**/jest.config.cjs', '**/vite.config.ts', 'tools/bench/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  // Tests and benchmarks may use dev-only packages (oracles, peers) that the engine itself must not.
  {
    files: ['libs/cron/**/*.spec.ts', 'libs/cron/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  ...vue.configs['flat/essential'].map((config) => ({ ...config, files: ['apps/admin/**/*.vue'] })),
  {
    files: ['apps/admin/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    rules: { 'vue/multi-word-component-names': 'off' },
  },
];
