import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { entities } from '../database/entities';
import { runMigrations, withMigrationLock } from '../database/migration-runner';
import { typeormOptions } from '../database/typeorm-options';
import { databaseForCli } from './database-for-cli';

async function main(): Promise<void> {
  const { url, embedded } = await databaseForCli();
  const dataSource = await new DataSource(typeormOptions(url, entities)).initialize();
  try {
    const applied = await withMigrationLock(dataSource, () => runMigrations(dataSource));
    console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'Schema is up to date.');
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
