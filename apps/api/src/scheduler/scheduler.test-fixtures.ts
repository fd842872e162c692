import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { Replica, startReplica } from '../../test/replicas';
import { createTestDatabase, TestDatabase } from '../../test/test-database';

export interface SinkCall {
  receivedAt: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Sink {
  url: string;
  port: number;
  calls: SinkCall[];
  /** Decides each answer; default 200 "ok". */
  respond: (call: SinkCall, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** A real HTTP callback receiver on 127.0.0.1 that records every call. */
export async function startSink(): Promise<Sink> {
  const sink: Partial<Sink> & { calls: SinkCall[] } = { calls: [] };
  sink.respond = (_call, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  const server: Server = createServer((req, res) => {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call: SinkCall = {
        receivedAt,
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      sink.calls.push(call);
      (sink.respond as Sink['respond'])(call, res);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  sink.port = port;
  sink.url = `http://127.0.0.1:${port}`;
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return sink as Sink;
}

export async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function insertUser(db: Client, role: 'admin' | 'user' = 'user'): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, role) VALUES ($1, 'x', $2) RETURNING id`,
    [`${randomUUID()}@test.zer08`, role],
  );
  return rows[0].id;
}

export interface JobFixture {
  ownerId: string;
  schedule: object;
  target: object;
  nextRunAt?: string | null;
  /** SQL expression for next_run_at, used when nextRunAt is absent. Default: the next whole second. */
  nextRunAtSql?: string;
  executionType?: 'AT_LEAST_ONCE' | 'AT_MOST_ONCE';
  maxAttempts?: number;
  backoff?: 'fixed' | 'exponential';
  initialDelayMs?: number;
  maxDelayMs?: number;
  concurrency?: 'allow' | 'forbid' | 'replace';
  misfire?: 'fire_once' | 'skip' | 'catch_up';
  catchUpLimit?: number;
  status?: 'active' | 'paused' | 'completed' | 'deleted';
  signingSecret?: string;
  historyRetentionDays?: number | null;
  name?: string;
}

export const NEXT_WHOLE_SECOND = `date_trunc('second', clock_timestamp()) + interval '1 second'`;

/** Inserts jobs directly (the scheduler must not depend on the jobs module). Returns their ids in order. */
export async function insertJobs(db: Client, jobs: JobFixture[]): Promise<string[]> {
  const ids: string[] = [];
  for (const job of jobs) {
    const nextRunAt = job.nextRunAt === undefined ? null : job.nextRunAt;
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO jobs (owner_id, name, schedule, target, execution_type, max_attempts, backoff, initial_delay_ms, max_delay_ms,
                         concurrency, misfire, catch_up_limit, status, signing_secret, history_retention_days, next_run_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
               CASE WHEN $16::timestamptz IS NOT NULL THEN $16::timestamptz ELSE ${job.nextRunAtSql ?? NEXT_WHOLE_SECOND} END)
       RETURNING id`,
      [
        job.ownerId,
        job.name ?? 'job',
        JSON.stringify(job.schedule),
        JSON.stringify(job.target),
        job.executionType ?? 'AT_LEAST_ONCE',
        job.maxAttempts ?? 1,
        job.backoff ?? 'exponential',
        job.initialDelayMs ?? 100,
        job.maxDelayMs ?? 3_600_000,
        job.concurrency ?? 'allow',
        job.misfire ?? 'fire_once',
        job.catchUpLimit ?? 100,
        job.status ?? 'active',
        job.signingSecret ?? 'test-signing-secret',
        job.historyRetentionDays ?? null,
        nextRunAt,
      ],
    );
    ids.push(rows[0].id);
  }
  await db.query(`SELECT pg_notify('zer08_jobs_changed', '')`);
  return ids;
}

export interface ExecutionRow {
  id: string;
  job_id: string;
  scheduled_for: Date;
  attempt: number;
  trigger: string;
  status: string;
  started_at: Date | null;
  finished_at: Date | null;
  available_at: Date;
  http_status: number | null;
  error: string | null;
  result: unknown;
  response_excerpt: string | null;
  replica_id: string | null;
  leader_epoch: string | null;
  created_at: Date;
}

export async function executionsOf(db: Client, jobId: string): Promise<ExecutionRow[]> {
  const { rows } = await db.query<ExecutionRow>(
    `SELECT * FROM executions WHERE job_id = $1 ORDER BY scheduled_for, attempt`,
    [jobId],
  );
  return rows;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws with the last value). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs: number,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms (last value: ${JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

/**
 * Replicas on one fresh database: an API-only replica (never leads or claims) has migrated
 * it; `db` is a plain client, `ownerId` a user who owns the jobs. `start` adds a replica that
 * `close` stops with the rest before dropping the database.
 */
export interface ReplicaBed {
  database: TestDatabase;
  sink: Sink;
  db: Client;
  ownerId: string;
  start(replicaId: string, overrides?: Record<string, string>): Promise<Replica>;
  close(): Promise<void>;
}

export async function startReplicaBed(): Promise<ReplicaBed> {
  const database = await createTestDatabase();
  const sink = await startSink();
  const replicas: Replica[] = [await startReplica(database, 'api-only', { SCHEDULER_ENABLED: 'false' })];
  const db = new Client({ connectionString: database.url });
  await db.connect();
  return {
    database,
    sink,
    db,
    ownerId: await insertUser(db),
    start: async (replicaId, overrides) => {
      const replica = await startReplica(database, replicaId, overrides);
      replicas.push(replica);
      return replica;
    },
    close: async () => {
      for (const replica of replicas) await replica.close();
      await db.end();
      await sink.close();
      await database.drop();
    },
  };
}
