import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The engine runs in the API (Node) and in the admin SPA (browser): no dependencies, no Node-only APIs. */
describe('library boundaries', () => {
  const sourceDir = join(__dirname, '..', 'src');
  const files = readdirSync(sourceDir).filter((f) => f.endsWith('.ts'));

  test.each(files)('%s imports only sibling modules, with .js extensions', (file) => {
    const source = readFileSync(join(sourceDir, file), 'utf8');
    const specifiers = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const specifier of specifiers) expect(specifier).toMatch(/^\.\/[a-z-]+\.js$/);
  });

  test.each(files)('%s uses no Node-only globals', (file) => {
    const source = readFileSync(join(sourceDir, file), 'utf8');
    expect(source).not.toMatch(/\b(process|Buffer|require|__dirname|global)\b/);
  });
});
