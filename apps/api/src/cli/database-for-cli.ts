import { Logger } from '@nestjs/common';
import { validateEnvironment } from '../config/environment';
import { EmbeddedDatabase, startEmbeddedPostgres } from '../database/embedded-postgres';

/** DATABASE_URL when set, otherwise the same embedded cluster `npm start` uses. */
export async function databaseForCli(): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);
  const env = validateEnvironment(process.env);
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  const embedded = await startEmbeddedPostgres(env.ZER08_DATA_DIR, env.EMBEDDED_POSTGRES_PORT);
  return { url: embedded.databaseUrl, embedded };
}
