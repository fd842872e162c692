import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app.factory';
import { Environment, validateEnvironment } from '../src/config/environment';
import { createTestDatabase, TestDatabase } from './test-database';
import { closeHttpServer, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD } from './test-app';

export interface Replica {
  app: INestApplication;
  env: Environment;
  replicaId: string;
  /** Graceful: app.close() (the shutdown hooks run). */
  close(): Promise<void>;
}

/**
 * One more instance of the real application on an EXISTING test database: several of
 * these in one process stand in for replicas of a cluster (each has its own replica id,
 * its own pool, lock session and LISTEN session).
 */
export async function startReplica(
  database: TestDatabase,
  replicaId: string,
  overrides: Record<string, string> = {},
): Promise<Replica> {
  const env = validateEnvironment({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: database.url,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    ADMIN_EMAIL: TEST_ADMIN_EMAIL,
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_LEVEL: 'error',
    ADMIN_DIST_DIR: 'does-not-exist',
    REPLICA_ID: replicaId,
    SCHEDULER_SHUTDOWN_GRACE_MS: '1000',
    ...overrides,
  });
  const { app } = await createApp(env);
  await app.listen(0, '127.0.0.1');
  let closed = false;
  return {
    app,
    env,
    replicaId,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await app.close();
      } finally {
        await closeHttpServer(app);
      }
    },
  };
}

/** A fresh database plus `count` replicas on it (replica ids r1..rN); close() stops them all and drops it. */
export async function startCluster(
  count: number,
  overrides: Record<string, string> = {},
): Promise<{ database: TestDatabase; replicas: Replica[]; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const replicas: Replica[] = [];
  for (let i = 1; i <= count; i++) replicas.push(await startReplica(database, `r${i}`, overrides));
  return {
    database,
    replicas,
    close: async () => {
      await Promise.all(replicas.map((replica) => replica.close().catch(() => undefined)));
      await database.drop();
    },
  };
}
