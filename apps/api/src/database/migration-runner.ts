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

export class SchemaNewerThanBuildError extends Error {
  constructor(readonly unknownMigrations: string[]) {
    super(
      `The database has migrations this build does not know (${unknownMigrations.join(', ')}): ` +
        'it was migrated by a newer ZER08. Start a replica of that version (or newer) instead.',
    );
    this.name = 'SchemaNewerThanBuildError';
  }
}

/**
 * A replica built with fewer migrations than the database has been through must not run:
 * its SQL would meet a schema it was not written for.
 */
export async function assertSchemaNotNewer(dataSource: DataSource): Promise<void> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const [exists] = (await dataSource.query(`SELECT to_regclass($1) AS name`, [table])) as { name: string | null }[];
  if (!exists.name) return;
  const applied = (await dataSource.query(`SELECT name FROM ${table}`)) as { name: string }[];
  const known = new Set(dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name));
  const unknown = applied.map((row) => row.name).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new SchemaNewerThanBuildError(unknown);
}

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  await assertSchemaNotNewer(dataSource);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
