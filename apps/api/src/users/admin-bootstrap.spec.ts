import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../test/test-database';
import { typeormOptions } from '../database/typeorm-options';
import { runMigrations, SchemaNewerThanBuildError, withMigrationLock } from '../database/migration-runner';
import { migrations } from '../migrations';
import { AdminBootstrap } from './admin-bootstrap';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

describe('AdminBootstrap against real Postgres', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let bootstrap: AdminBootstrap;
  const hasher = new PasswordHasher();

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(typeormOptions(database.url, [UserEntity])).initialize();
    await runMigrations(dataSource);
    bootstrap = new AdminBootstrap(new UsersRepository(dataSource.getRepository(UserEntity)), hasher);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('creates the admin once, stores an argon2id hash, and reads it back', async () => {
    const first = await bootstrap.ensureAdmin('Root@Example.com', 'correct horse battery');
    expect(first).toEqual({ created: true, email: 'Root@Example.com', generatedPassword: undefined });

    const stored = await dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('lower(user.email) = :email', { email: 'root@example.com' })
      .getOneOrFail();
    expect(stored.role).toBe('admin');
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    await expect(hasher.verify(stored.passwordHash, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(stored.passwordHash, 'wrong')).resolves.toBe(false);

    const second = await bootstrap.ensureAdmin('Root@Example.com', 'correct horse battery');
    expect(second.created).toBe(false);
    await expect(dataSource.getRepository(UserEntity).count()).resolves.toBe(1);
  });

  it('refuses a second user with the same email in another case (unique index on lower(email))', async () => {
    await expect(
      dataSource.query(`INSERT INTO users (email, password_hash, role) VALUES ('ROOT@example.com', 'x', 'user')`),
    ).rejects.toThrow(/users_email_key/);
  });

  it('migrates exactly once when replicas race for the migration lock', async () => {
    const fresh = await createTestDatabase();
    const replicas = await Promise.all(
      [1, 2, 3].map(() => new DataSource(typeormOptions(fresh.url, [UserEntity])).initialize()),
    );
    try {
      const applied = await Promise.all(replicas.map((replica) => withMigrationLock(replica, () => runMigrations(replica))));
      expect(applied.flat()).toEqual(migrations.map((migration) => migration.name));
    } finally {
      await Promise.all(replicas.map((replica) => replica.destroy()));
      await fresh.drop();
    }
  });
});

describe('a replica older than the database schema', () => {
  it('refuses to start, naming the migrations it does not know', async () => {
    const database = await createTestDatabase();
    const dataSource = await new DataSource(typeormOptions(database.url, [UserEntity])).initialize();
    try {
      await runMigrations(dataSource);
      await dataSource.query(`INSERT INTO schema_migrations (timestamp, name) VALUES (1999999999999, 'FromTheFuture1999999999999')`);
      await expect(runMigrations(dataSource)).rejects.toThrow(SchemaNewerThanBuildError);
      await expect(runMigrations(dataSource)).rejects.toThrow(/FromTheFuture1999999999999/);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
