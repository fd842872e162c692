/** What identifies one execution in a log line, for `logger.warn({ msg, ...executionLogFields(execution) })`. */
export interface ExecutionLogFields {
  executionId: string;
  jobId: string;
  attempt: number;
}

/** Only ids: an execution also carries its job's signing secret and target headers, which must not be logged. */
export function executionLogFields(execution: { id: string; jobId: string; attempt: number }): ExecutionLogFields {
  return { executionId: execution.id, jobId: execution.jobId, attempt: execution.attempt };
}
