import { Injectable } from '@nestjs/common';
import type { ScheduleSpec } from '@zer08/cron';
import { Client } from 'pg';
import { leaseExpiresMs, RUNNABLE_JOB_COLUMNS, RunnableJobColumns } from './execution-rows';
import { MisfirePolicy } from './occurrence-planner';
import { hasLoggedResult } from '../database/result-log';

export interface DueJobRow extends RunnableJobColumns {
  id: string;
  schedule: ScheduleSpec;
  timezone: string | null;
  start_at: Date | null;
  end_at: Date | null;
  next_run_at: Date;
  misfire: MisfirePolicy;
  catch_up_limit: number;
  concurrency: 'allow' | 'forbid' | 'replace';
  db_now: Date;
}

export interface NewExecution {
  jobId: string;
  scheduledFor: Date;
  /** `running` = handed to this replica's workers right after commit; `skipped` = recorded, never run. */
  status: 'pending' | 'running' | 'skipped';
  leaseMs: number;
  error: string | null;
}

export interface InsertedExecution {
  id: string;
  job_id: string;
  scheduled_for: Date;
  status: 'pending' | 'running' | 'skipped';
  started_at: Date | null;
  /** Set when `running` (see ClaimedExecution.leaseHeldUntilMs). */
  lease_expires_ms: string | null;
}

/**
 * The leader's SQL. Every method runs on the leader's lock session (passed in), inside the
 * fire transaction: if that session is gone, so is the transaction, so a deposed leader
 * cannot commit anything.
 */
@Injectable()
export class FiringRepository {
  /**
   * Jobs due now or within `aheadMs`, earliest first, locked for this transaction. Beyond
   * `earlyOnlyBeyondMs`, only jobs whose occurrence may safely be fired early: concurrency
   * `allow` (no busy check made too soon) and AT_LEAST_ONCE (a crash before the instant
   * re-runs it rather than abandoning a call never made).
   */
  async selectDueJobs(
    session: Client,
    limit: number,
    aheadMs: number,
    earlyOnlyBeyondMs = aheadMs,
  ): Promise<DueJobRow[]> {
    const { rows } = await session.query<DueJobRow>(
      `SELECT j.id, j.schedule, j.timezone, j.start_at, j.end_at, j.next_run_at, j.misfire, j.catch_up_limit,
              j.concurrency, ${RUNNABLE_JOB_COLUMNS}, clock_timestamp() AS db_now
       FROM jobs j
       -- A sub-select, not a bare clock_timestamp(): a volatile call cannot bound an index scan, so
       -- with fewer due jobs than the limit Postgres would walk every active job's index entry.
       WHERE j.status = 'active' AND j.next_run_at <= (SELECT clock_timestamp() + $2 * interval '1 millisecond')
         AND (j.next_run_at <= (SELECT clock_timestamp() + $3 * interval '1 millisecond')
              OR (j.concurrency = 'allow' AND j.execution_type = 'AT_LEAST_ONCE'))
       ORDER BY j.next_run_at
       LIMIT $1
       FOR UPDATE SKIP LOCKED`,
      [limit, aheadMs, earlyOnlyBeyondMs],
    );
    return rows;
  }

  /** Of `jobIds`, those with an execution still pending or running. */
  async busyJobs(session: Client, jobIds: string[]): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set();
    const { rows } = await session.query<{ job_id: string }>(
      `SELECT DISTINCT job_id FROM executions e
       WHERE e.job_id = ANY($1::uuid[]) AND e.status IN ('pending', 'running') AND NOT ${hasLoggedResult('e')}`,
      [jobIds],
    );
    return new Set(rows.map((row) => row.job_id));
  }

  /** concurrency=replace: cancels what still runs; returns the cancelled ids (workers are told by NOTIFY at commit). */
  async cancelForReplacement(session: Client, jobIds: string[]): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const { rows } = await session.query<{ id: string }>(
      `WITH cancelled AS (
         UPDATE executions
         SET status = 'cancelled', finished_at = clock_timestamp(), lease_expires_at = NULL,
             error = 'cancelled: replaced by a newer occurrence (concurrency policy replace)'
         WHERE id IN (
           -- A row locked right now is being finished by its worker: nothing left to replace,
           -- and waiting for it could deadlock with that worker's result write.
           SELECT id FROM executions e
           WHERE e.job_id = ANY($1::uuid[]) AND e.status IN ('pending', 'running') AND NOT ${hasLoggedResult('e')}
           FOR UPDATE SKIP LOCKED
         ) AND status IN ('pending', 'running')
         RETURNING id, status
       )
       SELECT id, pg_notify('zer08_executions_cancelled', id::text) FROM cancelled`,
      [jobIds],
    );
    return rows.map((row) => row.id);
  }

  async insertExecutions(
    session: Client,
    replicaId: string,
    epoch: number,
    executions: NewExecution[],
  ): Promise<InsertedExecution[]> {
    if (executions.length === 0) return [];
    const { rows } = await session.query<InsertedExecution>(
      `INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, available_at, started_at, lease_expires_at,
                               finished_at, error, replica_id, leader_epoch)
       SELECT u.job_id, u.scheduled_for, 1, 'schedule', u.status,
              -- Fired ahead of time: nobody may claim it, and no local worker calls, before it is due.
              greatest(clock_timestamp(), u.scheduled_for),
              CASE WHEN u.status = 'running' THEN date_trunc('milliseconds', greatest(clock_timestamp(), u.scheduled_for)) END,
              CASE WHEN u.status = 'running'
                   THEN greatest(clock_timestamp(), u.scheduled_for) + u.lease_ms * interval '1 millisecond' END,
              CASE WHEN u.status = 'skipped' THEN clock_timestamp() END,
              u.error,
              CASE WHEN u.status <> 'pending' THEN $1 END,
              $2::bigint
       FROM unnest($3::uuid[], $4::timestamptz[], $5::text[], $6::int[], $7::text[])
         AS u(job_id, scheduled_for, status, lease_ms, error)
       ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
       RETURNING id, job_id, scheduled_for, status, started_at, ${leaseExpiresMs('lease_expires_at')} AS lease_expires_ms`,
      [
        replicaId,
        epoch,
        executions.map((e) => e.jobId),
        executions.map((e) => e.scheduledFor.toISOString()),
        executions.map((e) => e.status),
        executions.map((e) => e.leaseMs),
        executions.map((e) => e.error),
      ],
    );
    return rows;
  }

  /**
   * Moves every fired job to its next occurrence; a job without one is `completed`; a job
   * whose schedule the engine refuses is `paused` with last_status `schedule_error`.
   */
  async advanceJobs(
    session: Client,
    advances: Array<{ jobId: string; nextRunAt: Date | null; unusable: boolean }>,
  ): Promise<void> {
    if (advances.length === 0) return;
    await session.query(
      `WITH u AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::boolean[]) AS u(id, next_run_at, unusable)),
       marked AS (
         UPDATE job_runs r SET last_status = 'schedule_error' FROM u WHERE r.job_id = u.id AND u.unusable
       )
       UPDATE jobs j
       SET next_run_at = u.next_run_at,
           status = CASE WHEN u.unusable THEN 'paused' WHEN u.next_run_at IS NULL THEN 'completed' ELSE j.status END
       FROM u
       WHERE j.id = u.id`,
      [
        advances.map((a) => a.jobId),
        advances.map((a) => a.nextRunAt?.toISOString() ?? null),
        advances.map((a) => a.unusable),
      ],
    );
  }

  async notifyExecutionsReady(session: Client): Promise<void> {
    await session.query(`SELECT pg_notify('zer08_executions_ready', '')`);
  }

  /**
   * When (database clock, epoch ms) the earliest active job is due, and how many active jobs
   * that may be fired early (see selectDueJobs) are due by then, counted up to `countLimit`
   * and only when that instant is within `countWithinMs` (a far-off instant is not counted
   * at every wake-up); null when none is scheduled.
   */
  async earliestDue(
    session: Client,
    countLimit: number,
    countWithinMs: number,
  ): Promise<{ dueAtMs: number; dueTogether: number } | null> {
    const { rows } = await session.query<{ due_ms: string | null; due_together: number }>(
      `WITH earliest AS (SELECT min(next_run_at) AS at FROM jobs WHERE status = 'active')
       SELECT (extract(epoch FROM at) * 1000)::float8::text AS due_ms,
              CASE WHEN at <= clock_timestamp() + $2 * interval '1 millisecond' THEN
                (SELECT count(*)::int FROM (SELECT 1 FROM jobs WHERE status = 'active' AND next_run_at <= earliest.at
                                              AND concurrency = 'allow' AND execution_type = 'AT_LEAST_ONCE'
                                            LIMIT $1) due)
              ELSE 0 END AS due_together
       FROM earliest`,
      [countLimit, countWithinMs],
    );
    return rows[0].due_ms === null ? null : { dueAtMs: Number(rows[0].due_ms), dueTogether: rows[0].due_together };
  }
}
