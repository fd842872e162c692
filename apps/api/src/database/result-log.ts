/**
 * SQL over the result log (docs/scheduler.md, "The result log"). Workers append results to
 * `execution_result_log`; the fold writes them into `executions` later. Until then an
 * execution row still says `running` although its current claim has a result: readers use
 * the view `executions_current`, and statements that must tell "still running" use these.
 */

/** SQL condition: the running execution aliased `execution` has a result logged for its current claim. */
export const hasLoggedResult = (execution: string): string =>
  `EXISTS (SELECT 1 FROM execution_result_log l WHERE l.execution_id = ${execution}.id ` +
  `AND l.claimed_at = ${execution}.started_at AND l.replica_id = ${execution}.replica_id)`;

/** SQL rows (status, finished_at) of the results logged for `jobs.id`'s running executions and not folded yet. */
export const UNFOLDED_RESULTS_OF_JOB = `SELECT l.status, l.finished_at FROM execution_result_log l
  JOIN executions e ON e.id = l.execution_id AND e.status = 'running' AND e.started_at = l.claimed_at AND e.replica_id = l.replica_id
  WHERE l.job_id = jobs.id`;
