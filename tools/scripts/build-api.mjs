// Compiles the API and the libraries it imports to CommonJS under dist/api with SWC:
// SWC keeps the decorator metadata Nest's DI needs and rewrites the @zer08/* path aliases
// to relative requires, so the output runs with plain `node`.
import { transformFile } from '@swc/core';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(workspaceRoot, 'dist/api');
const sourceDirs = ['apps/api/src', 'libs/cron/src', 'libs/contracts/src'];
const isSpec = (file) => /\.(spec|e2e-spec|test)\.ts$/.test(file);

async function* typescriptFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isSpec(entry.name)) yield path;
  }
}

const swcOptions = (filename) => ({
  filename,
  sourceMaps: true,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    baseUrl: workspaceRoot,
    paths: {
      '@zer08/cron': ['libs/cron/src/index.ts'],
      '@zer08/contracts': ['libs/contracts/src/index.ts'],
    },
  },
  module: { type: 'commonjs', ignoreDynamic: true },
});

await rm(outDir, { recursive: true, force: true });
let count = 0;
for (const dir of sourceDirs) {
  for await (const file of typescriptFiles(join(workspaceRoot, dir))) {
    const { code, map } = await transformFile(file, swcOptions(file));
    const target = join(outDir, relative(workspaceRoot, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map`);
    await writeFile(`${target}.map`, map ?? '');
    count += 1;
  }
}
console.log(`build-api: compiled ${count} files to ${relative(workspaceRoot, outDir)}`);
