import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { entities } from '../database/entities';
import { runMigrations } from '../database/migration-runner';
import { typeormOptions } from '../database/typeorm-options';
import { databaseForCli } from './database-for-cli';

/**
 * `npm run migration:generate -- <name>`: applies the existing migrations, diffs the
 * entities against the result and writes the difference as a new migration to review.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
    console.error('Usage: npm run migration:generate -- <kebab-case-name>');
    process.exit(64);
  }
  const { url, embedded } = await databaseForCli();
  const dataSource = await new DataSource(typeormOptions(url, entities)).initialize();
  try {
    await runMigrations(dataSource);
    const { upQueries, downQueries } = await dataSource.driver.createSchemaBuilder().log();
    if (upQueries.length === 0) {
      console.log('Entities and schema agree: nothing to generate.');
      return;
    }
    const timestamp = Date.now();
    const className = name.replace(/(^|-)([a-z0-9])/g, (_match, _dash, letter: string) => letter.toUpperCase()) + timestamp;
    const statement = (query: { query: string; parameters?: unknown[] }) =>
      `    await queryRunner.query(${JSON.stringify(query.query)}${query.parameters?.length ? `, ${JSON.stringify(query.parameters)}` : ''});`;
    const source = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${upQueries.map(statement).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${downQueries.reverse().map(statement).join('\n')}
  }
}
`;
    const file = join('apps/api/src/migrations', `${timestamp}-${name}.ts`);
    writeFileSync(file, source);
    console.log(`Wrote ${file}: review it, then add ${className} to apps/api/src/migrations/index.ts`);
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
