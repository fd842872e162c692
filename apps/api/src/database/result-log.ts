/**
 * SQL over the result log (docs/scheduler.md, "The result log"). Workers append results to
 * `execution_result_log`; the fold writes them into `executions` later. Until then an
 * execution row still says `running` although its current claim has a result: readers use
 * the view `executions_current`, and statements that must tell "still running" use this.
 */

/** SQL condition: the running execution aliased `execution` has a result logged for its current claim. */
export const hasLoggedResult = (execution: string): string =>
  `EXISTS (SELECT 1 FROM execution_result_log l WHERE l.execution_id = ${execution}.id ` +
  `AND l.claimed_at = ${execution}.started_at AND l.replica_id = ${execution}.replica_id)`;
