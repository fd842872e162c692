import { ClaimedExecution, ExecutionType, JobTarget } from './scheduler.types';

/** The job columns a worker needs to run an execution, as selected by the claim and fire queries. */
export const RUNNABLE_JOB_COLUMNS = `j.target, j.execution_type, j.max_attempts, j.backoff, j.initial_delay_ms, j.max_delay_ms, j.signing_secret`;

/** SQL for a lease's expiry as whole milliseconds since the epoch, rounded down (int8: the driver answers a string). */
export const leaseExpiresMs = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::int8`;

export interface RunnableRow {
  id: string;
  job_id: string;
  scheduled_for: Date;
  attempt: number;
  started_at: Date;
  lease_expires_ms: string;
  target: JobTarget;
  execution_type: ExecutionType;
  max_attempts: number;
  backoff: 'fixed' | 'exponential';
  initial_delay_ms: number;
  max_delay_ms: number;
  signing_secret: string;
}

export type RunnableJobColumns = Omit<
  RunnableRow,
  'id' | 'job_id' | 'scheduled_for' | 'attempt' | 'started_at' | 'lease_expires_ms'
>;

export function toClaimedExecution(row: RunnableRow): ClaimedExecution {
  return claimedExecution(
    row,
    row.id,
    row.job_id,
    row.scheduled_for,
    Number(row.attempt),
    row.started_at,
    Number(row.lease_expires_ms),
  );
}

/** A first attempt the leader just inserted `running` for this replica, from its job's row. */
export function executionOf(
  job: RunnableJobColumns & { id: string },
  executionId: string,
  scheduledFor: Date,
  startedAt: Date,
  leaseHeldUntilMs: number,
): ClaimedExecution {
  return claimedExecution(job, executionId, job.id, scheduledFor, 1, startedAt, leaseHeldUntilMs);
}

function claimedExecution(
  job: RunnableJobColumns,
  id: string,
  jobId: string,
  scheduledFor: Date,
  attempt: number,
  startedAt: Date,
  leaseHeldUntilMs: number,
): ClaimedExecution {
  return {
    id,
    jobId,
    scheduledFor: new Date(scheduledFor),
    attempt,
    startedAt: new Date(startedAt),
    leaseHeldUntilMs,
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
