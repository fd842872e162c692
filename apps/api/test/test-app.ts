import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { DestinationStream } from 'pino';
import { createApp } from '../src/app.factory';
import { Environment, validateEnvironment } from '../src/config/environment';
import { createRootLogger } from '../src/logging/root-logger';
import { createTestDatabase, TestDatabase } from './test-database';
import type { AccessTokenClaims } from '../src/auth/auth-user';

export interface TestApp {
  app: INestApplication;
  env: Environment;
  database: TestDatabase;
  adminPassword: string;
  close(): Promise<void>;
}

export const TEST_ADMIN_EMAIL = 'admin@test.zer08';
export const TEST_ADMIN_PASSWORD = 'admin-password-1';

export interface TestAppOptions {
  /** Captures the app's log lines instead of writing them to stdout. */
  logDestination?: DestinationStream;
}

/** The real application on its own fresh database, migrated, listening on a free port. */
export async function createTestApp(
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
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
    // API tests see only what they write; scheduler tests start replicas (test/replicas.ts) or opt in.
    SCHEDULER_ENABLED: 'false',
    ...overrides,
  });
  const rootLogger = options.logDestination
    ? createRootLogger({ level: env.LOG_LEVEL, destination: options.logDestination })
    : undefined;
  const { app } = await createApp(env, { rootLogger });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    env,
    database,
    adminPassword: TEST_ADMIN_PASSWORD,
    close: async () => {
      try {
        await app.close();
      } finally {
        await closeHttpServer(app);
        await database.drop();
      }
    },
  };
}

/** A signed access token for `user`, exactly as the login route issues them. */
export function accessTokenFor(env: Environment, user: { id: string; email: string; role: 'admin' | 'user' }, ttlSeconds = 900): string {
  const claims: AccessTokenClaims = { sub: user.id, email: user.email, role: user.role, typ: 'access' };
  return new JwtService({ secret: env.JWT_SECRET }).sign(claims, { expiresIn: ttlSeconds, algorithm: 'HS256' });
}

/**
 * Nest closes its HTTP server late in app.close(); when an earlier shutdown hook fails (a
 * test that dropped the database under a running app, say) the server would stay open and
 * keep jest alive. This closes it whatever happened.
 */
export async function closeHttpServer(app: INestApplication): Promise<void> {
  const server = app.getHttpServer() as Server;
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
