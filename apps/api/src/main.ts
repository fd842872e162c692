import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { SchemaNewerThanBuildError } from './database/migration-runner';
import { Environment, EnvironmentError, validateEnvironment } from './config/environment';
import { PinoNestLogger } from './logging/pino-nest-logger';
import { createRootLogger } from './logging/root-logger';

/**
 * Chaos runs (tools/chaos) start one replica with its clock deliberately off to prove due
 * decisions follow the database clock. Never set it in production.
 */
function applyTestClockOffset(logger: Logger): void {
  const offsetMs = Number(process.env.ZER08_TEST_CLOCK_OFFSET_MS ?? 0);
  if (!Number.isFinite(offsetMs) || offsetMs === 0) return;
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offsetMs;
  logger.warn(`TEST ONLY: this replica's clock runs ${offsetMs} ms off (ZER08_TEST_CLOCK_OFFSET_MS)`);
}

async function main(): Promise<void> {
  let env: Environment;
  try {
    env = validateEnvironment(process.env);
  } catch (error) {
    if (error instanceof EnvironmentError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const rootLogger = createRootLogger({ level: env.LOG_LEVEL, replicaId: env.REPLICA_ID });
  Logger.overrideLogger(new PinoNestLogger(rootLogger));
  const logger = new Logger('ZER08');
  applyTestClockOffset(logger);
  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres(env.ZER08_DATA_DIR, env.EMBEDDED_POSTGRES_PORT);
    env = validateEnvironment({
      ...process.env,
      DATABASE_URL: embedded.databaseUrl,
      JWT_SECRET: env.JWT_SECRET ?? embedded.jwtSecret,
      CALLBACK_ALLOW_PRIVATE_NETWORKS: String(env.CALLBACK_ALLOW_PRIVATE_NETWORKS ?? true),
    });
  }

  const { app, appliedMigrations, admin } = await createApp(env, { rootLogger });
  await app.listen(env.PORT, '0.0.0.0');
  const url = `http://localhost:${env.PORT}`;

  const lines = [
    '',
    `ZER08 is running at ${url}`,
    `  API        ${url}/api/v1   (OpenAPI: ${url}/api/docs)`,
    `  Health     ${url}/health`,
    `  Database   ${embedded ? `embedded PostgreSQL, data in ${embedded.dataDir}` : 'DATABASE_URL'}`,
    appliedMigrations.length > 0 ? `  Migrations applied: ${appliedMigrations.join(', ')}` : '  Migrations: up to date',
    admin.created
      ? admin.generatedPassword
        ? `  Log in as  ${admin.email} / ${admin.generatedPassword}   (generated now, shown once: change it after logging in)`
        : `  Log in as  ${admin.email} with ADMIN_PASSWORD`
      : `  Log in as  an existing administrator (bootstrap admin: ${admin.email})`,
    env.CALLBACK_ALLOW_PRIVATE_NETWORKS
      ? '  Callbacks  private and loopback addresses ALLOWED (CALLBACK_ALLOW_PRIVATE_NETWORKS=true)'
      : '  Callbacks  private and loopback addresses refused',
    '',
  ];
  const banner = lines.join('\n');
  if (admin.created && admin.generatedPassword) {
    // Meant for the person starting ZER08, not for log storage: printed once, never a log line.
    process.stdout.write(`${banner}\n`);
    logger.log(`ZER08 is running at ${url}; the generated admin password was printed once, outside the log`);
  } else {
    logger.log(banner);
  }
}

main().catch((error: unknown) => {
  if (error instanceof SchemaNewerThanBuildError) {
    console.error(`ZER08 refused to start: ${error.message}`);
    process.exit(1);
  }
  console.error('ZER08 failed to start:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
