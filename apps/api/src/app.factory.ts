import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { COMPAT_ROUTES } from './compat/compat.controller';
import { setUpOpenApi } from './common/openapi';
import { createValidationPipe } from './common/validation';
import { Environment } from './config/environment';
import { runMigrations, withMigrationLock } from './database/migration-runner';
import { httpRequestLogging } from './logging/http-logging';
import { PinoNestLogger } from './logging/pino-nest-logger';
import { createRootLogger, RootLogger } from './logging/root-logger';
import { SchedulerService } from './scheduler/scheduler.service';
import { AdminBootstrap, AdminBootstrapResult } from './users/admin-bootstrap';

export const API_PREFIX = 'api/v1';

export interface CreatedApp {
  app: INestApplication;
  appliedMigrations: string[];
  admin: AdminBootstrapResult;
}

export interface CreateAppOptions {
  /** Where the app logs; by default a new root logger on stdout at LOG_LEVEL. Tests capture lines with their own. */
  rootLogger?: RootLogger;
}

/**
 * Builds the whole application exactly as production runs it: migrations and the admin
 * bootstrap under one advisory lock, then global prefix, pipes and filters. Tests use it
 * too, so what they exercise is what ships.
 */
export async function createApp(env: Environment, options: CreateAppOptions = {}): Promise<CreatedApp> {
  const rootLogger = options.rootLogger ?? createRootLogger({ level: env.LOG_LEVEL });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bufferLogs: true,
    bodyParser: false,
  });
  rootLogger.setBindings({ replicaId: app.get(SchedulerService).replicaId });
  app.useLogger(new PinoNestLogger(rootLogger));
  // Before the body parser, so requests it refuses are logged too.
  app.use(httpRequestLogging(rootLogger));
  app.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
  app.disable('x-powered-by');
  if (env.TRUST_PROXY !== undefined) app.set('trust proxy', trustProxySetting(env.TRUST_PROXY));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // naive-ui and Swagger UI set styles at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          // ZER08 is often served over plain HTTP on a laptop or behind a TLS-terminating proxy.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  const corsOrigins =
    env.CORS_ORIGINS?.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean) ?? [];
  if (corsOrigins.length > 0) {
    app.enableCors({ origin: corsOrigins, methods: ['GET', 'POST', 'PATCH', 'DELETE'], maxAge: 600 });
  }
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/{*path}', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      ...COMPAT_ROUTES,
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setUpOpenApi(app);

  const dataSource = app.get(DataSource);
  const { appliedMigrations, admin } = await withMigrationLock(dataSource, async () => ({
    appliedMigrations: await runMigrations(dataSource),
    admin: await app.get(AdminBootstrap).ensureAdmin(env.ADMIN_EMAIL, env.ADMIN_PASSWORD),
  }));
  return { app, appliedMigrations, admin };
}

/** TRUST_PROXY as Express reads it: a boolean, a hop count, or a list of addresses. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
