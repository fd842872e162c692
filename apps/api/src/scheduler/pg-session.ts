import { Client } from 'pg';
import { waitAtMost } from '../common/wait-at-most';

export interface SessionOptions {
  databaseUrl: string;
  applicationName: string;
  /** Server-side limit on a session that sits idle; only for sessions that talk regularly. */
  idleSessionTimeoutMs?: number;
}

/**
 * A dedicated Postgres session outside the TypeORM pool, tuned so that either side notices
 * a dead peer within seconds: TCP keepalive on the client, keepalives, a user timeout and
 * statement/idle limits on the server. A dead leader's advisory lock is freed as soon as
 * Postgres drops its session, so these bound the failover time.
 */
export async function openSession(options: SessionOptions): Promise<Client> {
  const client = new Client({
    connectionString: options.databaseUrl,
    application_name: options.applicationName,
    keepAlive: true,
    keepAliveInitialDelayMillis: 1_000,
    connectionTimeoutMillis: 3_000,
    statement_timeout: 5_000,
    query_timeout: 6_000,
    idle_in_transaction_session_timeout: 5_000,
  });
  // An 'error' with no listener would crash the process; owners attach their own too.
  client.on('error', () => undefined);
  await client.connect();
  const settings = [
    'tcp_keepalives_idle = 1',
    'tcp_keepalives_interval = 1',
    'tcp_keepalives_count = 3',
    'tcp_user_timeout = 3000',
  ];
  if (options.idleSessionTimeoutMs) settings.push(`idle_session_timeout = ${Math.round(options.idleSessionTimeoutMs)}`);
  for (const setting of settings) {
    // Older servers or unix sockets may refuse some of these; the session still works without them.
    await client.query(`SET ${setting}`).catch(() => undefined);
  }
  return client;
}

export async function closeSession(client: Client | null | undefined): Promise<void> {
  if (!client) return;
  await waitAtMost(client.end(), 1_000);
}
