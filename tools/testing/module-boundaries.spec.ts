import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The dependency rule of DESIGN.md, checked through the real lint configuration:
 * apps -> libs only; libs never import apps; libs/cron imports nothing at all.
 */
describe('module boundaries (eslint + @nx/enforce-module-boundaries)', () => {
  const workspaceRoot = join(__dirname, '../..');
  const env = { ...process.env, NX_DAEMON: 'false' };

  beforeAll(() => {
    // The rule reads the cached project graph; `nx show projects` computes and caches it.
    const graph = spawnSync('npx', ['nx', 'show', 'projects'], { cwd: workspaceRoot, env, encoding: 'utf8' });
    expect(graph.status).toBe(0);
  }, 120_000);

  // ESLint runs as its own process: its flat config is an ES module jest's VM cannot import.
  const boundaryErrors = async (filePath: string, code: string) => {
    const run = spawnSync('npx', ['eslint', '--format', 'json', '--stdin', '--stdin-filename', filePath], {
      cwd: workspaceRoot,
      env,
      input: code,
      encoding: 'utf8',
    });
    const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
    return result.messages.filter((message) => message.ruleId === '@nx/enforce-module-boundaries');
  };

  it('refuses an import from a lib into an app', async () => {
    const errors = await boundaryErrors(
      'libs/contracts/src/leak.ts',
      "import { createApp } from '../../../apps/api/src/app.factory';\nexport const leak = createApp;\n",
    );
    expect(errors).not.toHaveLength(0);
  });

  it('refuses any import (even a package) inside libs/cron', async () => {
    const errors = await boundaryErrors('libs/cron/src/leak.ts', "import { Client } from 'pg';\nexport const leak = Client;\n");
    expect(errors).not.toHaveLength(0);
  });

  it('refuses libs/cron importing another lib', async () => {
    const errors = await boundaryErrors(
      'libs/cron/src/leak.ts',
      "import { CONTRACTS_VERSION } from '@zer08/contracts';\nexport const leak = CONTRACTS_VERSION;\n",
    );
    expect(errors).not.toHaveLength(0);
  });

  it('allows an app to import a shared lib', async () => {
    const errors = await boundaryErrors(
      'apps/api/src/uses-lib.ts',
      "import { CONTRACTS_VERSION } from '@zer08/contracts';\nexport const ok = CONTRACTS_VERSION;\n",
    );
    expect(errors).toEqual([]);
  });
});
