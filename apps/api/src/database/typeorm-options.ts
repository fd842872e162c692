import { DataSourceOptions } from 'typeorm';
import { migrations } from '../migrations';

/**
 * One place that says how ZER08 talks to Postgres: the app, the migration CLI and the
 * tests all build their DataSource from this. Never `synchronize`: the schema comes from
 * migrations only.
 */
export function typeormOptions(databaseUrl: string, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: 20,
      // Notice a dead server or a cut network within seconds, not minutes.
      keepAlive: true,
      keepAliveInitialDelayMillis: 1_000,
      connectionTimeoutMillis: 5_000,
      application_name: 'zer08',
    },
  };
}
