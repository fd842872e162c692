import { DataSource } from 'typeorm';

/** Any constant works; it only has to be the same for every replica. hashtext('zer08:migrations') */
const MIGRATION_LOCK_KEY = 7_208_130_001;

/**
 * Replicas that start together must migrate (and bootstrap) exactly once: the first one
 * takes a session advisory lock, the others wait on it and then find nothing to do.
 */
export async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
