import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserEntity, UserRole } from './user.entity';

/** What a login needs to check a password. Only this read ever selects the hash. */
export interface UserCredentials {
  id: string;
  email: string;
  role: UserRole;
  disabled: boolean;
  passwordHash: string;
}

/** What the JWT guard needs on every request: one primary-key lookup. */
export interface UserAccessState {
  email: string;
  role: UserRole;
  disabled: boolean;
  tokensValidAfter: Date;
}

export interface UserChanges {
  role?: UserRole;
  disabled?: boolean;
}

/** Outcome of a change that must leave at least one active administrator. */
export type GuardedOutcome<T> = { kind: 'done'; value: T } | { kind: 'not_found' } | { kind: 'last_admin' };

const USER_COLUMNS = 'id, email, role, disabled, tokens_valid_after, created_at, updated_at';

interface UserRow {
  id: string;
  email: string;
  role: UserRole;
  disabled: boolean;
  tokens_valid_after: Date;
  created_at: Date;
  updated_at: Date;
}

function toEntity(row: UserRow): UserEntity {
  return Object.assign(new UserEntity(), {
    id: row.id,
    email: row.email,
    role: row.role,
    disabled: row.disabled,
    tokensValidAfter: row.tokens_valid_after,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('user').where('lower(user.email) = lower(:email)', { email }).getOne();
  }

  async findById(id: string): Promise<UserEntity | null> {
    const rows: UserRow[] = await this.users.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] ? toEntity(rows[0]) : null;
  }

  async findCredentialsByEmail(email: string): Promise<UserCredentials | null> {
    const rows: Array<Omit<UserCredentials, 'passwordHash'> & { password_hash: string }> = await this.users.query(
      `SELECT id, email, role, disabled, password_hash FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
    return rows[0] ? { ...rows[0], passwordHash: rows[0].password_hash } : null;
  }

  async findCredentialsById(id: string): Promise<UserCredentials | null> {
    const rows: Array<Omit<UserCredentials, 'passwordHash'> & { password_hash: string }> = await this.users.query(
      `SELECT id, email, role, disabled, password_hash FROM users WHERE id = $1`,
      [id],
    );
    return rows[0] ? { ...rows[0], passwordHash: rows[0].password_hash } : null;
  }

  async findAccessState(id: string): Promise<UserAccessState | null> {
    const rows: Array<{ email: string; role: UserRole; disabled: boolean; tokens_valid_after: Date }> =
      await this.users.query(`SELECT email, role, disabled, tokens_valid_after FROM users WHERE id = $1`, [id]);
    const row = rows[0];
    return row
      ? { email: row.email, role: row.role, disabled: row.disabled, tokensValidAfter: row.tokens_valid_after }
      : null;
  }

  async insert(user: { email: string; passwordHash: string; role: UserRole }): Promise<UserEntity> {
    const created = this.users.create(user);
    return this.users.save(created);
  }

  /** Inserts unless the email is taken in any letter case; `null` then. */
  async insertUnlessEmailTaken(user: {
    email: string;
    passwordHash: string;
    role: UserRole;
  }): Promise<UserEntity | null> {
    const rows: UserRow[] = await this.users.query(
      `INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3)
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING ${USER_COLUMNS}`,
      [user.email, user.passwordHash, user.role],
    );
    return rows[0] ? toEntity(rows[0]) : null;
  }

  async list(query: {
    search?: string;
    offset: number;
    limit: number;
  }): Promise<{ items: UserEntity[]; total: number }> {
    const search = query.search ? likePattern(query.search) : null;
    const where = `($1::text IS NULL OR email ILIKE $1)`;
    const [rows, counts] = await Promise.all([
      this.users.query(`SELECT ${USER_COLUMNS} FROM users WHERE ${where} ORDER BY created_at, id LIMIT $2 OFFSET $3`, [
        search,
        query.limit,
        query.offset,
      ]) as Promise<UserRow[]>,
      this.users.query(`SELECT count(*)::int AS total FROM users WHERE ${where}`, [search]) as Promise<
        Array<{ total: number }>
      >,
    ]);
    return { items: rows.map(toEntity), total: counts[0].total };
  }

  countAdmins(): Promise<number> {
    return this.users.count({ where: { role: 'admin' } });
  }

  /** Stores a new hash and refuses every access token issued before `tokensValidAfter`. */
  async setPassword(id: string, passwordHash: string, tokensValidAfter: Date): Promise<void> {
    await this.users.query(
      `UPDATE users SET password_hash = $2, tokens_valid_after = $3, updated_at = now() WHERE id = $1`,
      [id, passwordHash, tokensValidAfter],
    );
  }

  async setTokensValidAfter(id: string, tokensValidAfter: Date): Promise<void> {
    await this.users.query(`UPDATE users SET tokens_valid_after = greatest(tokens_valid_after, $2) WHERE id = $1`, [
      id,
      tokensValidAfter,
    ]);
  }

  /**
   * Changes role and/or disabled unless that leaves no active administrator. Active admin
   * rows are locked first, so two admins demoting each other at once cannot both succeed.
   */
  update(id: string, changes: UserChanges): Promise<GuardedOutcome<UserEntity>> {
    return this.users.manager.transaction(async (manager) => {
      const guard = await this.lockAndCheckLastAdmin(manager, id, (target) => ({
        role: changes.role ?? target.role,
        disabled: changes.disabled ?? target.disabled,
      }));
      if (guard.kind !== 'done') return guard;
      const rows: [UserRow[], number] = await manager.query(
        `UPDATE users SET role = coalesce($2, role), disabled = coalesce($3, disabled), updated_at = now()
         WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [id, changes.role ?? null, changes.disabled ?? null],
      );
      return { kind: 'done', value: toEntity(rows[0][0]) };
    });
  }

  /** Deletes the user (their jobs and tokens go with them: ON DELETE CASCADE) unless they are the last active admin. */
  delete(id: string): Promise<GuardedOutcome<void>> {
    return this.users.manager.transaction(async (manager) => {
      const guard = await this.lockAndCheckLastAdmin(manager, id, () => null);
      if (guard.kind !== 'done') return guard;
      await manager.query(`DELETE FROM users WHERE id = $1`, [id]);
      return { kind: 'done', value: undefined };
    });
  }

  /** `after` answers what the target becomes (`null`: it goes away). */
  private async lockAndCheckLastAdmin(
    manager: EntityManager,
    id: string,
    after: (target: { role: UserRole; disabled: boolean }) => { role: UserRole; disabled: boolean } | null,
  ): Promise<GuardedOutcome<null>> {
    const activeAdmins: Array<{ id: string }> = await manager.query(
      `SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE`,
    );
    const targets: Array<{ role: UserRole; disabled: boolean }> = await manager.query(
      `SELECT role, disabled FROM users WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const target = targets[0];
    if (!target) return { kind: 'not_found' };
    const isActiveAdmin = (user: { role: UserRole; disabled: boolean } | null) =>
      user !== null && user.role === 'admin' && !user.disabled;
    const losesAdmin = isActiveAdmin(target) && !isActiveAdmin(after(target));
    if (losesAdmin && activeAdmins.length <= 1) return { kind: 'last_admin' };
    return { kind: 'done', value: null };
  }
}
