import { ClaimedExecution, ExecutionType, JobTarget } from './scheduler.types';

/** The job columns a worker needs to run an execution, as selected by the claim and fire queries. */
export const RUNNABLE_JOB_COLUMNS = `j.target, j.execution_type, j.max_attempts, j.backoff, j.initial_delay_ms, j.max_delay_ms, j.signing_secret`;

export interface RunnableRow {
  id: string;
  job_id: string;
  scheduled_for: Date;
  attempt: number;
  started_at: Date;
  target: JobTarget;
  execution_type: ExecutionType;
  max_attempts: number;
  backoff: 'fixed' | 'exponential';
  initial_delay_ms: number;
  max_delay_ms: number;
  signing_secret: string;
}

export function toClaimedExecution(row: RunnableRow): ClaimedExecution {
  return {
    id: row.id,
    jobId: row.job_id,
    scheduledFor: new Date(row.scheduled_for),
    attempt: Number(row.attempt),
    startedAt: new Date(row.started_at),
    target: row.target,
    executionType: row.execution_type,
    retry: {
      maxAttempts: Number(row.max_attempts),
      backoff: row.backoff,
      initialDelayMs: Number(row.initial_delay_ms),
      maxDelayMs: Number(row.max_delay_ms),
    },
    signingSecret: row.signing_secret,
  };
}
