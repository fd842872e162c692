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

export type RunnableJobColumns = Omit<RunnableRow, 'id' | 'job_id' | 'scheduled_for' | 'attempt' | 'started_at'>;

export function toClaimedExecution(row: RunnableRow): ClaimedExecution {
  return claimedExecution(row, row.id, row.job_id, row.scheduled_for, Number(row.attempt), row.started_at);
}

/** A first attempt the leader just inserted `running` for this replica, from its job's row. */
export function executionOf(
  job: RunnableJobColumns & { id: string },
  executionId: string,
  scheduledFor: Date,
  startedAt: Date,
): ClaimedExecution {
  return claimedExecution(job, executionId, job.id, scheduledFor, 1, startedAt);
}

function claimedExecution(
  job: RunnableJobColumns,
  id: string,
  jobId: string,
  scheduledFor: Date,
  attempt: number,
  startedAt: Date,
): ClaimedExecution {
  return {
    id,
    jobId,
    scheduledFor: new Date(scheduledFor),
    attempt,
    startedAt: new Date(startedAt),
    target: job.target,
    executionType: job.execution_type,
    retry: {
      maxAttempts: Number(job.max_attempts),
      backoff: job.backoff,
      initialDelayMs: Number(job.initial_delay_ms),
      maxDelayMs: Number(job.max_delay_ms),
    },
    signingSecret: job.signing_secret,
  };
}
