import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/** The NOLOGIN roles API statements run as; the row-level security policies apply to them only. */
export const ROW_SECURITY_ROLES = { user: 'zer08_api', admin: 'zer08_api_admin' } as const;

export interface RowSecurityIdentity {
  id: string;
  role: 'admin' | 'user';
}

export interface UserTransactionOptions {
  /**
   * For safe methods (GET, HEAD): the transaction is READ ONLY, so a read route cannot
   * write, and its COMMIT is not awaited, so the response does not wait for a round trip
   * that cannot change anything.
   */
  readOnly?: boolean;
}

interface UserTransaction extends UserTransactionOptions {
  identity: RowSecurityIdentity;
  client?: Promise<PoolClient>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** BEGIN, the caller's role and id in one round trip; values are checked, never interpolated raw. */
export function beginAsUserSql(identity: RowSecurityIdentity, readOnly = false): string {
  if (!UUID.test(identity.id)) throw new Error('row security: the user id must be a uuid');
  if (!Object.hasOwn(ROW_SECURITY_ROLES, identity.role)) throw new Error('row security: unknown role');
  return `BEGIN${readOnly ? ' READ ONLY' : ''}; SET LOCAL ROLE ${ROW_SECURITY_ROLES[identity.role]}; SELECT set_config('zer08.user_id', '${identity.id}', true)`;
}

/**
 * The pool the jobs and history repositories query through. Inside `runAs` (every
 * authenticated request, see RowSecurityInterceptor) statements share one transaction
 * that carries the caller in SET LOCAL settings under the restricted role, so Postgres
 * itself limits rows to the caller's (admins: all) even if a query forgets its owner
 * filter. Outside a request (the scheduler, start-up tasks) it is the plain pool.
 * The transaction opens on the first statement: requests that never touch these tables
 * hold no connection.
 */
@Injectable()
export class UserScopedDatabase {
  private readonly pool: Pool;
  private readonly transactions = new AsyncLocalStorage<UserTransaction>();

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  query<R extends QueryResultRow = any>(config: QueryConfig): Promise<QueryResult<R>>;
  query<R extends QueryResultRow = any>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
  async query<R extends QueryResultRow>(
    textOrConfig: string | QueryConfig,
    values?: unknown[],
  ): Promise<QueryResult<R>> {
    const transaction = this.transactions.getStore();
    if (!transaction) return this.pool.query<R>(textOrConfig as string, values);
    const client = await this.clientOf(transaction);
    return client.query<R>(textOrConfig as string, values);
  }

  /** Runs `work` in one transaction as `identity`: committed if it resolves, rolled back if it throws. */
  async runAs<T>(
    identity: RowSecurityIdentity,
    work: () => Promise<T>,
    options: UserTransactionOptions = {},
  ): Promise<T> {
    const transaction: UserTransaction = { identity, ...options };
    let result: T;
    try {
      result = await this.transactions.run(transaction, work);
    } catch (error) {
      await this.finish(transaction, 'ROLLBACK');
      throw error;
    }
    if (transaction.readOnly) void this.finish(transaction, 'COMMIT').catch(() => undefined);
    else await this.finish(transaction, 'COMMIT');
    return result;
  }

  private clientOf(transaction: UserTransaction): Promise<PoolClient> {
    transaction.client ??= this.pool.connect().then(async (client) => {
      try {
        await client.query(beginAsUserSql(transaction.identity, transaction.readOnly));
        return client;
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    });
    return transaction.client;
  }

  private async finish(transaction: UserTransaction, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    if (!transaction.client) return;
    let client: PoolClient;
    try {
      client = await transaction.client;
    } catch {
      return; // never began: nothing to end, the connection was already discarded
    }
    try {
      await client.query(command);
      client.release();
    } catch (error) {
      // A connection whose transaction state is unknown must not go back to the pool.
      client.release(error as Error);
      if (command === 'COMMIT') throw error;
    }
  }
}
