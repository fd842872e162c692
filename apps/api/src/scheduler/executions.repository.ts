import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasLoggedResult } from '../database/result-log';
import { isPresenceLock } from './presence-lock';
import { leaseExpiresMs, RUNNABLE_JOB_COLUMNS, RunnableRow, toClaimedExecution } from './execution-rows';
import { HeartbeatRun } from './replicas.repository';
import { SchedulerConfig } from './scheduler.config';
import { ClaimedExecution, ExecutionOutcome } from './scheduler.types';

/** SQL for a timestamptz from a column of milliseconds since the epoch: exact, and NULL stays NULL. */
const fromEpochMs = (column: string) => `timestamptz 'epoch' + ${column} * interval '1 millisecond'`;

type PlainArrayElement = number | string | null;

/**
 * A Postgres array literal for values that never need quoting (numbers, UUIDs, status
 * names): a join instead of the driver's per-element escaping, which showed in profiles of
 * the result statement at burst rates.
 */
function plainArrayLiteral<T>(items: T[], pick: (item: T) => PlainArrayElement): string {
  let literal = '{';
  for (let i = 0; i < items.length; i++) {
    const value = pick(items[i]);
    literal += (i === 0 ? '' : ',') + (value === null ? 'NULL' : value);
  }
  return literal + '}';
}

/** Logged results one fold statement takes at most. */
export const RESULT_FOLD_BATCH = 5_000;
/** Longer than any lease can outlive its replica's last heartbeat: the longest call timeout (5 min), fire-ahead and margins. */
const LONGEST_LEASE_MS = 10 * 60_000;

/** A finished call ready to be written, with the retry decision already taken. */
export interface FinishedExecution {
  execution: ClaimedExecution;
  outcome: ExecutionOutcome;
  /** Set when a next attempt must be queued: its delay from now. */
  retryDelayMs: number | null;
  /** When the call really started (whole DB-clock ms: an int8 column), if later than the claim (it waited in the local queue). */
  calledAtMs?: number;
}

export interface CancelledExecutionRow {
  id: string;
  job_id: string;
  scheduled_for: Date;
  attempt: number;
  previous_status: string;
  replica_id: string | null;
  finished_at: Date;
}

/**
 * (TypeORM answers a bare UPDATE ... RETURNING with [rows, count]; statements that return
 * rows are therefore written as `WITH x AS (UPDATE ... RETURNING ...) SELECT * FROM x`.)
 *
 * Worker-side SQL: claiming, result writing, leases, reaping, retention and cancel. Every
 * statement handles a whole batch; nothing here runs once per execution on the hot path.
 */
@Injectable()
export class ExecutionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Marks up to `limit` due pending executions `running` under this replica's lease. */
  async claim(
    replicaId: string,
    limit: number,
    leaseMarginMs: number,
    defaultTimeoutMs: number,
  ): Promise<ClaimedExecution[]> {
    const rows: RunnableRow[] = await this.dataSource.query(
      `WITH picked AS (
         SELECT id FROM executions
         WHERE status = 'pending' AND available_at <= (SELECT clock_timestamp())
         ORDER BY available_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ),
       claimed AS (
       UPDATE executions e
       SET status = 'running',
           started_at = date_trunc('milliseconds', clock_timestamp()),
           lease_expires_at = clock_timestamp()
             + (COALESCE((j.target ->> 'timeoutMs')::int, $4::int) + $3::int) * interval '1 millisecond',
           replica_id = $1,
           error = NULL
       FROM picked, jobs j
       WHERE e.id = picked.id AND j.id = e.job_id
       RETURNING e.id, e.job_id, e.scheduled_for, e.attempt, e.started_at,
                 ${leaseExpiresMs('e.lease_expires_at')} AS lease_expires_ms, ${RUNNABLE_JOB_COLUMNS}
       )
       SELECT * FROM claimed`,
      [replicaId, limit, leaseMarginMs, defaultTimeoutMs],
    );
    return rows.map(toClaimedExecution);
  }

  /**
   * Appends many results to the result log in one statement (docs/scheduler.md, "The result
   * log"): a narrow insert, so recording keeps pace with the calls; `foldResults` writes them
   * into their executions later. Each belongs to its claim (execution, started_at, replica):
   * one whose claim was lost meanwhile (a cancel, a reaper, a newer claim) is never applied.
   * `appendAgain`: the batch may have been appended already (a failed append whose commit
   * may have landed), so results already in the log are skipped. Returns how many were appended.
   */
  async writeResults(replicaId: string, finished: FinishedExecution[], appendAgain = false): Promise<number> {
    if (finished.length === 0) return 0;
    const column = <T>(pick: (item: FinishedExecution) => T) => finished.map(pick);
    const plainArray = (pick: (item: FinishedExecution) => PlainArrayElement) => plainArrayLiteral(finished, pick);
    const rows: Array<{ appended: string }> = await this.dataSource.query(
      `WITH r AS (
         SELECT id, ${fromEpochMs('claimed_ms')} AS claimed_at, job_id, status, ${fromEpochMs('called_ms')} AS called_at,
                ${fromEpochMs('finished_ms')} AS finished_at, duration_ms, http_status, response_excerpt, result, error,
                retry_delay_ms
         FROM unnest($2::uuid[], $3::int8[], $4::uuid[], $5::text[], $6::int8[], $7::int[], $8::int[],
                     $9::text[], $10::jsonb[], $11::text[], $12::int[], $13::int8[])
           AS r(id, claimed_ms, job_id, status, finished_ms, duration_ms, http_status, response_excerpt, result, error,
                retry_delay_ms, called_ms)
       ),
       appended AS (
         INSERT INTO execution_result_log (execution_id, claimed_at, replica_id, job_id, status, called_at, finished_at,
                                           duration_ms, http_status, response_excerpt, result, error, retry_delay_ms)
         SELECT id, claimed_at, $1, job_id, status, called_at, finished_at,
                duration_ms, http_status, response_excerpt, result, error, retry_delay_ms
         FROM r
         WHERE NOT $14::boolean
            OR NOT EXISTS (SELECT 1 FROM execution_result_log l WHERE l.execution_id = r.id AND l.claimed_at = r.claimed_at)
         RETURNING 1
       )
       SELECT count(*)::text AS appended FROM appended`,
      [
        replicaId,
        plainArray((f) => f.execution.id),
        plainArray((f) => f.execution.startedAt.getTime()),
        plainArray((f) => f.execution.jobId),
        plainArray((f) => f.outcome.status),
        plainArray((f) => f.outcome.finishedAt.getTime()),
        plainArray((f) => f.outcome.durationMs),
        plainArray((f) => f.outcome.httpStatus ?? null),
        column((f) => f.outcome.responseExcerpt?.replaceAll('\u0000', '') ?? null),
        column((f) => (f.outcome.result === undefined ? null : JSON.stringify(f.outcome.result))),
        column((f) => f.outcome.error ?? null),
        plainArray((f) => f.retryDelayMs),
        plainArray((f) => f.calledAtMs ?? null),
        appendAgain,
      ],
    );
    return Number(rows[0]?.appended ?? 0);
  }

  /**
   * Folds up to `limit` logged results into their executions in one statement: each only if
   * the row is still `running` under the claim it belongs to; queues the next attempts of
   * retried failures (due their backoff after the call ended) and updates the jobs' run
   * counters (job_runs). Results of other claims are dropped. `minAgeMs` leaves younger ones
   * to the replicas that wrote them. Concurrent folds take disjoint rows (SKIP LOCKED).
   * Returns how many log rows it took.
   */
  async foldResults(limit: number, minAgeMs = 0): Promise<number> {
    const rows: Array<{ taken: string }> = await this.dataSource.query(
      `WITH taken AS (
         DELETE FROM execution_result_log
         WHERE ctid = ANY (ARRAY(
           SELECT ctid FROM execution_result_log
           WHERE $2::int = 0 OR finished_at < (SELECT clock_timestamp() - $2::int * interval '1 millisecond')
           LIMIT $1
           FOR UPDATE SKIP LOCKED
         ))
         RETURNING *
       ),
       written AS (
         UPDATE executions e
         SET status = t.status, started_at = COALESCE(t.called_at, e.started_at), finished_at = t.finished_at,
             duration_ms = t.duration_ms, http_status = t.http_status, response_excerpt = t.response_excerpt,
             result = t.result, error = t.error, lease_expires_at = NULL
         FROM taken t
         WHERE e.id = t.execution_id AND e.status = 'running' AND e.replica_id = t.replica_id AND e.started_at = t.claimed_at
         RETURNING e.job_id, e.scheduled_for, e.attempt, e.leader_epoch, e.status, e.finished_at, t.retry_delay_ms
       ),
       retried AS (
         INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, available_at, leader_epoch)
         SELECT job_id, scheduled_for, attempt + 1, 'retry', 'pending',
                finished_at + retry_delay_ms * interval '1 millisecond', leader_epoch
         FROM written WHERE retry_delay_ms IS NOT NULL
         ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
         RETURNING id
       ),
       per_job AS (
         SELECT job_id, count(*) AS calls, max(finished_at) AS last_run_at,
                (array_agg(status ORDER BY finished_at DESC))[1] AS last_status
         FROM written GROUP BY job_id
       ),
       touched AS (
         UPDATE job_runs r
         SET call_count = r.call_count + per_job.calls,
             last_run_at = GREATEST(r.last_run_at, per_job.last_run_at),
             last_status = CASE WHEN r.last_run_at IS NULL OR per_job.last_run_at >= r.last_run_at
                                THEN per_job.last_status ELSE r.last_status END
         FROM per_job WHERE r.job_id = per_job.job_id
         RETURNING r.job_id
       )
       SELECT (SELECT count(*) FROM taken)::text AS taken,
              (SELECT count(*) FROM retried)::text AS retried,
              (SELECT count(*) FROM touched)::text AS touched`,
      [limit, minAgeMs],
    );
    return Number(rows[0]?.taken ?? 0);
  }

  /** `foldResults` until a statement takes less than a full batch (the log is drained, or its rest is locked by another fold). */
  async foldAllResults(minAgeMs = 0): Promise<void> {
    while ((await this.foldResults(RESULT_FOLD_BATCH, minAgeMs)) === RESULT_FOLD_BATCH);
  }

  /**
   * Extends to now + `extendByMs` the leases of calls held here that expire within
   * `renewWithinMs`; never shortens one, and leaves far-off ones (fresh claims, the local
   * queue) unwritten: every lease write is a new row version and index entries.
   */
  async renewLeases(replicaId: string, ids: string[], extendByMs: number, renewWithinMs = extendByMs): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE executions SET lease_expires_at = clock_timestamp() + $3::int * interval '1 millisecond'
       WHERE id = ANY($2::uuid[]) AND status = 'running' AND replica_id = $1
         AND lease_expires_at < (SELECT clock_timestamp() + LEAST($3::int, $4::int) * interval '1 millisecond')`,
      [replicaId, plainArrayLiteral(ids, (id) => id), extendByMs, renewWithinMs],
    );
  }

  /**
   * Running executions whose worker is lost: their lease expired, or their replica is lost
   * (docs/scheduler.md, "A lost replica"). A replica is lost when its presence lock is free
   * and it fell silent while the caller was beating: its last heartbeat is at or after
   * `beats.since` and more than `replicaLostAfterMs` before `beats.last`, which is itself
   * fresh. With `beats` null (the caller's last heartbeat failed) no replica is judged lost.
   * AT_MOST_ONCE executions may have been delivered, so they end `abandoned`; AT_LEAST_ONCE
   * ones go back to `pending` (same attempt, same idempotency key, claimable from the same
   * instant) and run again.
   */
  async reapLostWork(
    { presenceLockClass, replicaLostAfterMs }: Pick<SchedulerConfig, 'presenceLockClass' | 'replicaLostAfterMs'>,
    beats: HeartbeatRun | null,
    limit = 1_000,
  ): Promise<{ abandoned: number; requeued: number }> {
    const rows: Array<{ status: string; count: string }> = await this.dataSource.query(
      `WITH lost_replicas AS (
         SELECT r.replica_id FROM scheduler_replicas r
         WHERE r.replica_id <> $5
           -- The caller is talking to the database now: a silence it shared (an outage) is no loss.
           AND $7::timestamptz > clock_timestamp() - $2::int * interval '1 millisecond'
           AND r.heartbeat_at >= $6::timestamptz
           AND r.heartbeat_at < $7::timestamptz - $2::int * interval '1 millisecond'
           -- Silent longer than the longest lease: whatever it held has expired anyway.
           AND r.heartbeat_at > clock_timestamp() - $3::int * interval '1 millisecond'
           AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE ${isPresenceLock('l', '$4', 'r.replica_id')})
       ),
       expired AS (
         SELECT e.id, j.execution_type, e.replica_id, false AS replica_lost
         FROM executions e JOIN jobs j ON j.id = e.job_id
         WHERE e.status = 'running' AND e.lease_expires_at < (SELECT clock_timestamp())
           AND NOT ${hasLoggedResult('e')}
         ORDER BY e.lease_expires_at
         LIMIT $1
         FOR UPDATE OF e SKIP LOCKED
       ),
       held_by_lost AS (
         SELECT e.id, j.execution_type, e.replica_id, true AS replica_lost
         FROM lost_replicas r
         JOIN executions e ON e.replica_id = r.replica_id
         JOIN jobs j ON j.id = e.job_id
         WHERE e.status = 'running' AND e.lease_expires_at >= (SELECT clock_timestamp())
           AND NOT ${hasLoggedResult('e')}
         LIMIT $1
         FOR UPDATE OF e SKIP LOCKED
       ),
       reaped AS (
         UPDATE executions e
         SET status = CASE WHEN x.execution_type = 'AT_MOST_ONCE' THEN 'abandoned' ELSE 'pending' END,
             finished_at = CASE WHEN x.execution_type = 'AT_MOST_ONCE' THEN clock_timestamp() END,
             available_at = greatest(clock_timestamp(), e.available_at),
             lease_expires_at = NULL,
             started_at = CASE WHEN x.execution_type = 'AT_MOST_ONCE' THEN e.started_at END,
             replica_id = CASE WHEN x.execution_type = 'AT_MOST_ONCE' THEN e.replica_id END,
             error = CASE WHEN x.replica_lost THEN 'replica ' || x.replica_id || ' was lost (no heartbeat, no session)'
                          ELSE 'lease expired on ' || COALESCE(x.replica_id, '?') END
                     || CASE WHEN x.execution_type = 'AT_MOST_ONCE' THEN ' while it held the call; AT_MOST_ONCE never re-runs'
                             ELSE '; queued to run again' END
         FROM (SELECT * FROM expired UNION ALL SELECT * FROM held_by_lost) x WHERE e.id = x.id
         RETURNING e.status, e.job_id
       ),
       notified AS (
         SELECT pg_notify('zer08_executions_ready', '') FROM (SELECT 1 FROM reaped WHERE status = 'pending' LIMIT 1) s
       )
       SELECT status, count(*)::text AS count FROM reaped, (SELECT count(*) FROM notified) n GROUP BY status`,
      [
        limit,
        replicaLostAfterMs,
        LONGEST_LEASE_MS,
        presenceLockClass,
        beats?.replicaId ?? null,
        beats?.since.toISOString() ?? null,
        beats?.last.toISOString() ?? null,
      ],
    );
    const count = (status: string) => Number(rows.find((row) => row.status === status)?.count ?? 0);
    return { abandoned: count('abandoned'), requeued: count('pending') };
  }

  /**
   * Shutdown: executions the local leader handed to this replica that never started go back
   * to `pending`, whatever their type (no call was made), and other replicas are told.
   */
  async releaseUnstarted(replicaId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `WITH released AS (
         UPDATE executions SET status = 'pending', started_at = NULL, replica_id = NULL, lease_expires_at = NULL
         WHERE id = ANY($2::uuid[]) AND status = 'running' AND replica_id = $1
         RETURNING id
       )
       SELECT pg_notify('zer08_executions_ready', '') FROM (SELECT 1 FROM released LIMIT 1) s`,
      [replicaId, ids],
    );
  }

  /** Shutdown: hands unfinished AT_LEAST_ONCE calls back to the queue and closes AT_MOST_ONCE ones. */
  async releaseUnfinished(replicaId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `WITH released AS (
         UPDATE executions e
         SET status = CASE WHEN j.execution_type = 'AT_MOST_ONCE' THEN 'abandoned' ELSE 'pending' END,
             finished_at = CASE WHEN j.execution_type = 'AT_MOST_ONCE' THEN clock_timestamp() END,
             available_at = clock_timestamp(),
             lease_expires_at = NULL,
             started_at = CASE WHEN j.execution_type = 'AT_MOST_ONCE' THEN e.started_at END,
             error = CASE WHEN j.execution_type = 'AT_MOST_ONCE'
                          THEN 'replica ' || $1 || ' shut down mid-call; AT_MOST_ONCE never re-runs'
                          ELSE 'released by replica ' || $1 || ' at shutdown; queued to run again' END
         FROM jobs j
         WHERE e.id = ANY($2::uuid[]) AND e.status = 'running' AND e.replica_id = $1 AND j.id = e.job_id
         RETURNING e.status
       )
       SELECT pg_notify('zer08_executions_ready', '') FROM (SELECT 1 FROM released WHERE status = 'pending' LIMIT 1) s`,
      [replicaId, ids],
    );
  }

  /** One retention batch; returns how many rows it deleted (the caller loops while it is full). */
  async purgeHistoryBatch(defaultRetentionDays: number, batchSize: number): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM executions WHERE id IN (
         SELECT e.id FROM executions e JOIN jobs j ON j.id = e.job_id
         WHERE e.status NOT IN ('pending', 'running')
           AND COALESCE(e.finished_at, e.created_at)
               < clock_timestamp() - make_interval(days => COALESCE(j.history_retention_days, $1::int))
         LIMIT $2
       )`,
      [defaultRetentionDays, batchSize],
    );
    return Number(result[1] ?? 0);
  }

  /**
   * Cancels a pending or running execution the user may see (owner, or any for admins).
   * Returns the row as it was cancelled, or why not: `missing` (also for another user's
   * execution) or `finished`.
   */
  async cancel(
    executionId: string,
    user: { id: string; isAdmin: boolean },
  ): Promise<{ cancelled: CancelledExecutionRow } | { refused: 'missing' | 'finished'; status?: string }> {
    return this.dataSource.transaction(async (manager) => {
      // Its status as readers see it: a running execution whose result is logged has finished.
      const found: Array<{ id: string; status: string }> = await manager.query(
        `SELECT e.id, c.status FROM executions e
         JOIN executions_current c ON c.id = e.id
         JOIN jobs j ON j.id = e.job_id
         WHERE e.id = $1 AND ($3::boolean OR j.owner_id = $2)
         FOR UPDATE OF e`,
        [executionId, user.id, user.isAdmin],
      );
      if (found.length === 0) return { refused: 'missing' as const };
      if (found[0].status !== 'pending' && found[0].status !== 'running')
        return { refused: 'finished' as const, status: found[0].status };
      const rows: CancelledExecutionRow[] = await manager.query(
        `WITH cancelled AS (
         UPDATE executions e
         SET status = 'cancelled', finished_at = clock_timestamp(), lease_expires_at = NULL,
             error = 'cancelled by ' || $2,
             duration_ms = CASE WHEN e.started_at IS NOT NULL
                                THEN (extract(epoch FROM clock_timestamp() - e.started_at) * 1000)::int END
         FROM (SELECT status AS previous_status FROM executions WHERE id = $1) prev
         WHERE e.id = $1
         RETURNING e.id, e.job_id, e.scheduled_for, e.attempt, prev.previous_status, e.replica_id, e.finished_at
         )
         SELECT * FROM cancelled`,
        [executionId, user.isAdmin ? 'an administrator' : 'its owner'],
      );
      if (rows[0].previous_status === 'running') {
        await manager.query(`SELECT pg_notify('zer08_executions_cancelled', $1)`, [executionId]);
      }
      return { cancelled: rows[0] };
    });
  }
}
