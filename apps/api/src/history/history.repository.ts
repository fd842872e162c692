import { Injectable } from '@nestjs/common';
import { UserScopedDatabase } from '../database/user-scoped-database';
import { EXECUTION_COLUMNS, ExecutionRow } from '../jobs/job-row';

export interface ActivityRow {
  minute: Date;
  succeeded: number;
  failed: number;
  other: number;
}

export interface LatenessRow {
  window_from: Date;
  window_to: Date;
  samples: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export interface HistoryFilter {
  jobId: string;
  status?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const QUALIFIED_EXECUTION_COLUMNS = EXECUTION_COLUMNS.split(',')
  .map((column) => `e.${column.trim()}`)
  .join(', ');

@Injectable()
export class HistoryRepository {
  /** Queries run as the calling user under row-level security inside a request (UserScopedDatabase). */
  constructor(private readonly database: UserScopedDatabase) {}

  /** Newest first: the occurrence key (job_id, scheduled_for, attempt) read backwards. */
  async list(filter: HistoryFilter): Promise<{ rows: ExecutionRow[]; total: number }> {
    const values: unknown[] = [filter.jobId];
    const where = ['job_id = $1'];
    if (filter.status) where.push(`status = $${values.push(filter.status)}`);
    if (filter.from) where.push(`scheduled_for >= $${values.push(filter.from)}::timestamptz`);
    if (filter.to) where.push(`scheduled_for <= $${values.push(filter.to)}::timestamptz`);
    const whereSql = where.join(' AND ');
    const countValues = [...values];
    const [page, count] = await Promise.all([
      this.database.query<ExecutionRow>(
        `SELECT ${EXECUTION_COLUMNS} FROM executions_current WHERE ${whereSql}
         ORDER BY scheduled_for DESC, attempt DESC LIMIT $${values.push(filter.limit)} OFFSET $${values.push(filter.offset)}`,
        values,
      ),
      this.database.query<{ total: string }>(
        `SELECT count(*) AS total FROM executions_current WHERE ${whereSql}`,
        countValues,
      ),
    ]);
    return { rows: page.rows, total: Number(count.rows[0].total) };
  }

  /**
   * Per-minute outcome counts over the window, by the minute each execution finished (or
   * started, or was due, while it has not finished), for `ownerId`'s jobs (null: all).
   */
  async activity(minutes: number, ownerId: string | null): Promise<{ from: Date; to: Date; rows: ActivityRow[] }> {
    const { rows } = await this.database.query<ActivityRow & { window_from: Date; window_to: Date }>(
      `WITH w AS (SELECT date_trunc('minute', now()) - ($1::int - 1) * interval '1 minute' AS from_minute, now() AS to_at),
       minutes AS (SELECT generate_series(w.from_minute, date_trunc('minute', w.to_at), interval '1 minute') AS minute FROM w),
       counted AS (
         SELECT date_trunc('minute', coalesce(e.finished_at, e.started_at, e.scheduled_for)) AS minute,
                count(*) FILTER (WHERE e.status = 'succeeded')::int AS succeeded,
                count(*) FILTER (WHERE e.status IN ('failed', 'timed_out', 'abandoned'))::int AS failed,
                count(*) FILTER (WHERE e.status NOT IN ('succeeded', 'failed', 'timed_out', 'abandoned', 'pending'))::int AS other
         FROM executions_current e JOIN jobs j ON j.id = e.job_id, w
         -- An execution finishes after it is due: bounding scheduled_for too keeps the scan small.
         WHERE e.scheduled_for >= w.from_minute - interval '1 day'
           AND coalesce(e.finished_at, e.started_at, e.scheduled_for) >= w.from_minute
           AND coalesce(e.finished_at, e.started_at, e.scheduled_for) <= w.to_at
           AND ($2::uuid IS NULL OR j.owner_id = $2::uuid)
         GROUP BY 1
       )
       SELECT m.minute, coalesce(c.succeeded, 0) AS succeeded, coalesce(c.failed, 0) AS failed, coalesce(c.other, 0) AS other,
              w.from_minute AS window_from, w.to_at AS window_to
       FROM minutes m CROSS JOIN w LEFT JOIN counted c ON c.minute = m.minute
       ORDER BY m.minute`,
      [minutes, ownerId],
    );
    return { from: rows[0].window_from, to: rows[0].window_to, rows };
  }

  /** The latest failed, timed-out or abandoned executions since `from`, with their job's name. */
  async recentFailures(
    from: Date,
    ownerId: string | null,
    limit: number,
  ): Promise<Array<ExecutionRow & { job_name: string }>> {
    const { rows } = await this.database.query<ExecutionRow & { job_name: string }>(
      `SELECT ${QUALIFIED_EXECUTION_COLUMNS}, j.name AS job_name
       FROM executions_current e JOIN jobs j ON j.id = e.job_id
       -- Folded failures through their partial index, plus those still in the result log.
       WHERE e.id IN (SELECT id FROM executions WHERE status IN ('failed', 'timed_out', 'abandoned') AND finished_at >= $1
                      UNION ALL
                      SELECT execution_id FROM execution_result_log
                      WHERE status IN ('failed', 'timed_out', 'abandoned') AND finished_at >= $1)
         AND e.status IN ('failed', 'timed_out', 'abandoned') AND e.finished_at >= $1
         AND ($2::uuid IS NULL OR j.owner_id = $2::uuid)
       ORDER BY e.finished_at DESC LIMIT $3`,
      [from, ownerId, limit],
    );
    return rows;
  }

  /** One execution if its job belongs to `ownerId` (null: any owner). */
  async findOne(id: string, ownerId: string | null): Promise<ExecutionRow | undefined> {
    const { rows } = await this.database.query<ExecutionRow>({
      name: 'executions_find_one',
      text: `SELECT ${QUALIFIED_EXECUTION_COLUMNS} FROM executions_current e JOIN jobs j ON j.id = e.job_id
             WHERE e.id = $1 AND ($2::uuid IS NULL OR j.owner_id = $2::uuid)`,
      values: [id, ownerId],
    });
    return rows[0];
  }

  /**
   * p50 / p99 / max fire lateness of a job's scheduled first attempts due in the last
   * `minutes` that have run (the occurrence key (job_id, scheduled_for, attempt) bounds the scan to the job and window).
   */
  async lateness(jobId: string, minutes: number): Promise<LatenessRow> {
    const { rows } = await this.database.query<LatenessRow>({
      name: 'executions_job_lateness',
      text: `WITH w AS (SELECT now() - $2::int * interval '1 minute' AS window_from, now() AS window_to)
             SELECT w.window_from, w.window_to, count(e.lateness_ms)::int AS samples,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY e.lateness_ms) AS p50,
                    percentile_disc(0.99) WITHIN GROUP (ORDER BY e.lateness_ms) AS p99,
                    max(e.lateness_ms) AS max
             FROM w LEFT JOIN executions_current e
               ON e.job_id = $1 AND e.scheduled_for >= w.window_from AND e.scheduled_for <= w.window_to
              AND e.trigger = 'schedule' AND e.attempt = 1 AND e.lateness_ms IS NOT NULL
             GROUP BY w.window_from, w.window_to`,
      values: [jobId, minutes],
    });
    return rows[0];
  }

  /**
   * The same summary for the `limit` jobs with the worst p99 over the last hour, for the
   * per-job metric: one pass over the hour's first attempts by scheduled_for.
   */
  async worstLateness(limit: number): Promise<Array<{ job_id: string; p50: number; p99: number }>> {
    const { rows } = await this.database.query<{ job_id: string; p50: number; p99: number }>({
      name: 'executions_worst_lateness',
      text: `SELECT job_id,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY lateness_ms) AS p50,
                    percentile_disc(0.99) WITHIN GROUP (ORDER BY lateness_ms) AS p99
             FROM executions_current
             WHERE scheduled_for >= now() - interval '1 hour' AND trigger = 'schedule' AND attempt = 1
               AND lateness_ms IS NOT NULL
             GROUP BY job_id
             ORDER BY p99 DESC, job_id
             LIMIT $1`,
      values: [limit],
    });
    return rows;
  }
}
