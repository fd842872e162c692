import { Injectable } from '@nestjs/common';
import { UserScopedDatabase } from '../database/user-scoped-database';
import { AuditRow, EXECUTION_COLUMNS, ExecutionRow, JOB_COLUMNS, JobRow } from './job-row';

/** Channel the scheduler LISTENs on; the payload is the changed job's id. */
export const JOBS_CHANGED_CHANNEL = 'zer08_jobs_changed';
/** Channel workers LISTEN on for executions to claim; the payload is the execution's job id. */
export const EXECUTIONS_PENDING_CHANNEL = 'zer08_executions_pending';
/** Channel every replica LISTENs on to drop an execution it holds; the payload is the execution's id. */
export const EXECUTIONS_CANCELLED_CHANNEL = 'zer08_executions_cancelled';

/**
 * A pause or delete (JobsService) withdraws the occurrences the leader fired ahead of their instant (up to
 * 250 ms, a burst up to 5 s) that are more than WITHDRAW_MARGIN away: workers hold a call
 * until scheduled_for by the database clock, so none of them was called, and the margin
 * leaves the NOTIFY time to reach the replica holding one before its instant (closer to
 * it, the occurrence fires, as an ordinary job paused within its 250 ms fire-ahead does).
 * Deleted rather than cancelled: the occurrence was never due, and a job resumed before
 * the instant must be able to fire the same (job_id, scheduled_for, attempt) again, which a
 * leftover row would swallow in the leader's ON CONFLICT DO NOTHING. Its own statement after
 * the job's update (same request transaction): a fire transaction that held the job while the
 * update waited for it has committed by then, and a new statement's snapshot sees its rows.
 */
const WITHDRAW_MARGIN_MS = 250;

/** The columns a create or an update may write, with the SQL type their parameter is cast to. */
const WRITABLE = {
  name: 'text',
  description: 'text',
  schedule: 'jsonb',
  timezone: 'text',
  start_at: 'timestamptz',
  end_at: 'timestamptz',
  target: 'jsonb',
  execution_type: 'text',
  max_attempts: 'integer',
  backoff: 'text',
  initial_delay_ms: 'integer',
  max_delay_ms: 'integer',
  concurrency: 'text',
  misfire: 'text',
  catch_up_limit: 'integer',
  history_retention_days: 'integer',
  status: 'text',
  status_before_delete: 'text',
  deleted_at: 'timestamptz',
  next_run_at: 'timestamptz',
  metadata: 'jsonb',
  signing_secret: 'text',
} as const;

export type WritableColumn = keyof typeof WRITABLE;
export type JobChanges = Partial<Record<WritableColumn, unknown>>;

/** A new job as inserted: every writable column plus id and owner. */
export interface NewJobRow {
  id: string;
  owner_id: string;
  name: string;
  description: string | null;
  schedule: unknown;
  timezone: string;
  start_at: string | null;
  end_at: string | null;
  target: unknown;
  execution_type: string;
  max_attempts: number;
  backoff: string;
  initial_delay_ms: number;
  max_delay_ms: number;
  concurrency: string;
  misfire: string;
  catch_up_limit: number;
  history_retention_days: number | null;
  next_run_at: string | null;
  metadata: unknown;
  signing_secret: string;
}

const INSERT_COLUMNS: (keyof NewJobRow)[] = [
  'id',
  'owner_id',
  'name',
  'description',
  'schedule',
  'timezone',
  'start_at',
  'end_at',
  'target',
  'execution_type',
  'max_attempts',
  'backoff',
  'initial_delay_ms',
  'max_delay_ms',
  'concurrency',
  'misfire',
  'catch_up_limit',
  'history_retention_days',
  'next_run_at',
  'metadata',
  'signing_secret',
];
const RECORD_TYPES = INSERT_COLUMNS.map((c) => `${c} ${c === 'id' || c === 'owner_id' ? 'uuid' : WRITABLE[c as WritableColumn]}`).join(', ');

/**
 * Every job statement is ONE SQL statement: the row change, its audit row and the NOTIFY commit
 * together (a data-modifying CTE is atomic), with no BEGIN/COMMIT round trips.
 */
const insertJobs = (returning: string, auditChanges: string) => `
  WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${RECORD_TYPES})),
  inserted AS (
    INSERT INTO jobs (${INSERT_COLUMNS.join(', ')})
    SELECT ${INSERT_COLUMNS.join(', ')} FROM input
    RETURNING ${returning}
  ),
  audit AS (
    INSERT INTO job_audit (job_id, actor_id, action, changes) SELECT id, $2::uuid, 'created', ${auditChanges} FROM inserted
  )`;
const INSERT_ONE = insertJobs(JOB_COLUMNS, `jsonb_build_object('name', name, 'schedule', schedule, 'target', target)`);
/** A bulk audits each job as created by a bulk (the definitions are in the rows themselves). */
const INSERT_BULK = insertJobs('id, next_run_at', `'{"source": "bulk"}'::jsonb`);

export interface JobScope {
  /** null: every owner (admins). */
  ownerId: string | null;
}

export interface JobListFilter {
  ownerId: string | null;
  status?: string;
  scheduleKind?: string;
  targetKind?: string;
  q?: string;
  sort: 'nextRunAt' | 'name' | 'createdAt';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const SORT_SQL: Record<JobListFilter['sort'], (order: string) => string> = {
  nextRunAt: (order) => `next_run_at ${order} NULLS LAST, id ${order}`,
  name: (order) => `name ${order}, id ${order}`,
  // Matches jobs_owner_created_idx / jobs_created_idx (created_at DESC, id): forward scan for desc, backward for asc.
  createdAt: (order) => (order === 'DESC' ? 'created_at DESC, id ASC' : 'created_at ASC, id DESC'),
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class JobsRepository {
  /** Queries run as the calling user under row-level security inside a request (UserScopedDatabase). */
  constructor(private readonly database: UserScopedDatabase) {}

  async insertOne(job: NewJobRow, actorId: string): Promise<JobRow> {
    const { rows } = await this.database.query<JobRow>(
      `${INSERT_ONE} SELECT inserted.*, pg_notify('${JOBS_CHANGED_CHANNEL}', inserted.id::text)::text AS notified FROM inserted`,
      [JSON.stringify([job]), actorId],
    );
    return rows[0];
  }

  /**
   * All or nothing: one statement inserts every job and its audit rows. One NOTIFY (payload: the
   * earliest-due new job) is enough to wake the scheduler, which re-reads the earliest next_run_at.
   */
  async insertMany(jobs: NewJobRow[], actorId: string): Promise<number> {
    const { rows } = await this.database.query<{ count: string }>(
      `${INSERT_BULK},
       counted AS (SELECT count(*) AS count, (array_agg(id ORDER BY next_run_at NULLS LAST))[1] AS first_id FROM inserted)
       SELECT count, pg_notify('${JOBS_CHANGED_CHANNEL}', first_id::text)::text AS notified FROM counted`,
      [JSON.stringify(jobs), actorId],
    );
    return Number(rows[0].count);
  }

  async findOne(id: string, scope: JobScope): Promise<JobRow | undefined> {
    const { rows } = await this.database.query<JobRow>({
      name: 'jobs_find_one',
      text: `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1 AND ($2::uuid IS NULL OR owner_id = $2::uuid)`,
      values: [id, scope.ownerId],
    });
    return rows[0];
  }

  async exists(id: string, scope: JobScope): Promise<boolean> {
    const { rows } = await this.database.query({
      name: 'jobs_exists',
      text: `SELECT 1 FROM jobs WHERE id = $1 AND ($2::uuid IS NULL OR owner_id = $2::uuid)`,
      values: [id, scope.ownerId],
    });
    return rows.length > 0;
  }

  async list(filter: JobListFilter): Promise<{ rows: JobRow[]; total: number }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.ownerId !== null) where.push(`owner_id = ${param(filter.ownerId)}::uuid`);
    where.push(filter.status ? `status = ${param(filter.status)}` : `status <> 'deleted'`);
    if (filter.scheduleKind) where.push(`schedule_kind = ${param(filter.scheduleKind)}`);
    if (filter.targetKind) where.push(`target_kind = ${param(filter.targetKind)}`);
    if (filter.q) where.push(`name ILIKE ${param(`%${escapeLike(filter.q)}%`)}`);
    const whereSql = where.join(' AND ');
    const filterValues = [...values];
    const order = filter.order === 'asc' ? 'ASC' : 'DESC';
    const [page, count] = await Promise.all([
      this.database.query<JobRow>(
        `SELECT ${JOB_COLUMNS} FROM jobs WHERE ${whereSql} ORDER BY ${SORT_SQL[filter.sort](order)} LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`,
        values,
      ),
      this.database.query<{ total: string }>(`SELECT count(*) AS total FROM jobs WHERE ${whereSql}`, filterValues),
    ]);
    return { rows: page.rows, total: Number(count.rows[0].total) };
  }

  /**
   * Optimistic concurrency in one statement: the row changes only if `version` still matches;
   * the audit row and the NOTIFY commit with it. Undefined when the version moved on.
   */
  async update(
    id: string,
    expectedVersion: number,
    changes: JobChanges,
    audit: { actorId: string; action: string; changes: unknown },
  ): Promise<JobRow | undefined> {
    const values: unknown[] = [id, expectedVersion, audit.actorId, audit.action, audit.changes === null ? null : JSON.stringify(audit.changes)];
    const assignments = Object.entries(changes).map(([column, value]) => {
      const type = WRITABLE[column as WritableColumn];
      values.push(type === 'jsonb' && value !== null ? JSON.stringify(value) : value);
      return `${column} = $${values.length}::${type}`;
    });
    const { rows } = await this.database.query<JobRow>(
      `WITH updated AS (
         UPDATE jobs SET ${[...assignments, 'version = version + 1', 'updated_at = now()'].join(', ')}
         WHERE id = $1 AND version = $2
         RETURNING ${JOB_COLUMNS}
       ),
       audit AS (
         INSERT INTO job_audit (job_id, actor_id, action, changes) SELECT id, $3::uuid, $4, $5::jsonb FROM updated
       )
       SELECT updated.*, pg_notify('${JOBS_CHANGED_CHANNEL}', updated.id::text)::text AS notified FROM updated`,
      values,
    );
    return rows[0];
  }

  /** See WITHDRAW_MARGIN_MS; each withdrawn execution is announced to the replica holding it. */
  async withdrawFiredAhead(jobId: string): Promise<void> {
    await this.database.query(
      `WITH withdrawn AS (
         DELETE FROM executions
         WHERE job_id = $1 AND trigger = 'schedule' AND status IN ('pending', 'running')
           AND scheduled_for > clock_timestamp() + $2::int * interval '1 millisecond'
         RETURNING id
       )
       SELECT count(pg_notify('${EXECUTIONS_CANCELLED_CHANNEL}', id::text))::int AS withdrawn FROM withdrawn`,
      [jobId, WITHDRAW_MARGIN_MS],
    );
  }

  /** A manual run: a pending execution for now (database clock), audited, workers notified. */
  async insertManualExecution(jobId: string, actorId: string): Promise<ExecutionRow> {
    const { rows } = await this.database.query<ExecutionRow>(
      `WITH created AS (
         INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, available_at)
         VALUES ($1, clock_timestamp(), 1, 'manual', 'pending', clock_timestamp())
         RETURNING ${EXECUTION_COLUMNS}
       ),
       audit AS (
         INSERT INTO job_audit (job_id, actor_id, action, changes)
         SELECT job_id, $2::uuid, 'triggered', jsonb_build_object('executionId', id, 'scheduledFor', scheduled_for) FROM created
       )
       SELECT created.*, pg_notify('${EXECUTIONS_PENDING_CHANNEL}', created.job_id::text)::text AS notified FROM created`,
      [jobId, actorId],
    );
    return rows[0];
  }

  async listAudit(jobId: string, limit: number, offset: number): Promise<{ rows: AuditRow[]; total: number }> {
    const [page, count] = await Promise.all([
      this.database.query<AuditRow>(
        `SELECT id, job_id, actor_id, action, changes, at FROM job_audit WHERE job_id = $1 ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3`,
        [jobId, limit, offset],
      ),
      this.database.query<{ total: string }>(`SELECT count(*) AS total FROM job_audit WHERE job_id = $1`, [jobId]),
    ]);
    return { rows: page.rows, total: Number(count.rows[0].total) };
  }
}
