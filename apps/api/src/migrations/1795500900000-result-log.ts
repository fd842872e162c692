import { MigrationInterface, QueryRunner } from 'typeorm';

/** Result columns an execution row and a logged result share. */
const RESULT_COLUMNS = ['finished_at', 'duration_ms', 'http_status', 'result', 'response_excerpt', 'error'];

/**
 * Results are appended to `execution_result_log` and folded into `executions` later, in sets
 * (docs/scheduler.md, "The result log"). Appending a result is an insert into a narrow heap
 * with no index at all; updating its execution row in place costs a new row version, two
 * index entries, the job's counters and, per batch, a join over the running executions:
 * 20,000 results took 60-70 ms of Postgres CPU appended against 280-330 ms as updates, and
 * any index on the log (a random uuid key) cost a burst 4-11% (BENCHMARKS.md). The log
 * stays small (folded within about a second), so readers scan it.
 *
 * A logged result belongs to one claim of its execution (execution_id, claimed_at =
 * the claim's started_at, replica_id): a result that arrives after its claim was lost (its
 * lease expired and the execution runs elsewhere) is never applied, as before.
 *
 * `executions_current` is what readers see: each execution with the result logged for its
 * current claim laid over it. It is a security-invoker view, so the callers' row-level
 * security policies on both tables apply; the log's policies mirror `executions`.
 */
export class ResultLog1795500900000 implements MigrationInterface {
  name = 'ResultLog1795500900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No key, no index, no foreign key: an execution deleted meanwhile (its job deleted,
    // history purged) just leaves a result the fold drops; a worker appending a batch again
    // after an unanswered commit skips the results already there. Deleted rows are vacuumed
    // after every 10,000.
    await queryRunner.query(`
      CREATE TABLE execution_result_log (
        execution_id     uuid NOT NULL,
        claimed_at       timestamptz NOT NULL,
        replica_id       text NOT NULL,
        job_id           uuid NOT NULL,
        status           text NOT NULL
                         CHECK (status IN ('succeeded', 'failed', 'timed_out', 'abandoned', 'cancelled')),
        called_at        timestamptz,
        finished_at      timestamptz NOT NULL,
        duration_ms      integer,
        http_status      integer,
        result           jsonb,
        response_excerpt text,
        error            text,
        retry_delay_ms   integer
      ) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000)`);
    await queryRunner.query(`ALTER TABLE execution_result_log ENABLE ROW LEVEL SECURITY`);
    // The sub-select on jobs is itself filtered by jobs_of_the_caller.
    await queryRunner.query(`
      CREATE POLICY execution_result_log_of_the_callers_jobs ON execution_result_log TO zer08_api
        USING (EXISTS (SELECT 1 FROM jobs j WHERE j.id = execution_result_log.job_id))
        WITH CHECK (EXISTS (SELECT 1 FROM jobs j WHERE j.id = execution_result_log.job_id))`);
    await queryRunner.query(
      `CREATE POLICY execution_result_log_all ON execution_result_log TO zer08_api_admin USING (true) WITH CHECK (true)`,
    );
    await queryRunner.query(`GRANT SELECT ON execution_result_log TO zer08_api, zer08_api_admin`);

    const overlaid = RESULT_COLUMNS.map(
      (column) => `CASE WHEN l.execution_id IS NULL THEN e.${column} ELSE l.${column} END AS ${column}`,
    ).join(',\n             ');
    await queryRunner.query(`
      CREATE VIEW executions_current WITH (security_invoker = true) AS
      SELECT e.id, e.job_id, e.scheduled_for, e.attempt, e.trigger,
             COALESCE(l.status, e.status) AS status,
             e.available_at,
             CASE WHEN l.execution_id IS NULL THEN e.lease_expires_at END AS lease_expires_at,
             COALESCE(l.called_at, e.started_at) AS started_at,
             ${overlaid},
             e.replica_id, e.leader_epoch, e.created_at,
             CASE WHEN l.execution_id IS NULL THEN e.lateness_ms
                  WHEN l.duration_ms IS NOT NULL THEN
                    greatest(0, round(extract(epoch FROM l.finished_at - greatest(e.scheduled_for, e.available_at)) * 1000)
                                - l.duration_ms)::integer
             END AS lateness_ms
      FROM executions e
      LEFT JOIN execution_result_log l
        ON e.status = 'running' AND l.execution_id = e.id AND l.claimed_at = e.started_at AND l.replica_id = e.replica_id`);
    await queryRunner.query(`GRANT SELECT ON executions_current TO zer08_api, zer08_api_admin`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Results still in the log are folded first, as the scheduler would (job counters too).
    await queryRunner.query(`
      WITH taken AS (DELETE FROM execution_result_log RETURNING *),
      written AS (
        UPDATE executions e
        SET status = t.status, started_at = COALESCE(t.called_at, e.started_at), ${RESULT_COLUMNS.map((c) => `${c} = t.${c}`).join(', ')},
            lease_expires_at = NULL
        FROM taken t
        WHERE e.id = t.execution_id AND e.status = 'running' AND e.replica_id = t.replica_id AND e.started_at = t.claimed_at
        RETURNING e.job_id, e.scheduled_for, e.attempt, e.leader_epoch, e.status, e.finished_at, t.retry_delay_ms
      ),
      retried AS (
        INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, available_at, leader_epoch)
        SELECT job_id, scheduled_for, attempt + 1, 'retry', 'pending', finished_at + retry_delay_ms * interval '1 millisecond', leader_epoch
        FROM written WHERE retry_delay_ms IS NOT NULL
        ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
      ),
      per_job AS (
        SELECT job_id, count(*) AS calls, max(finished_at) AS last_run_at,
               (array_agg(status ORDER BY finished_at DESC))[1] AS last_status
        FROM written GROUP BY job_id
      )
      UPDATE job_runs r
      SET call_count = r.call_count + per_job.calls,
          last_run_at = GREATEST(r.last_run_at, per_job.last_run_at),
          last_status = CASE WHEN r.last_run_at IS NULL OR per_job.last_run_at >= r.last_run_at
                             THEN per_job.last_status ELSE r.last_status END
      FROM per_job WHERE r.job_id = per_job.job_id`);
    await queryRunner.query(`DROP VIEW IF EXISTS executions_current`);
    await queryRunner.query(`DROP TABLE IF EXISTS execution_result_log`);
  }
}
