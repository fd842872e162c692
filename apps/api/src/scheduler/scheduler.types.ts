/** What a job's `target` jsonb column holds. */
export interface HttpTarget {
  kind: 'http';
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export interface HandlerTarget {
  kind: 'handler';
  name: string;
  payload?: unknown;
  timeoutMs?: number;
}

export type JobTarget = HttpTarget | HandlerTarget;

export type ExecutionType = 'AT_LEAST_ONCE' | 'AT_MOST_ONCE';
export type ExecutionStatus =
  'pending' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'skipped' | 'abandoned' | 'cancelled';

export interface RetryPolicy {
  maxAttempts: number;
  backoff: 'fixed' | 'exponential';
  initialDelayMs: number;
  maxDelayMs: number;
}

/** An execution this replica has marked `running` under its own lease and is about to call. */
export interface ClaimedExecution {
  id: string;
  jobId: string;
  scheduledFor: Date;
  attempt: number;
  /** Truncated to milliseconds so it round-trips through JS exactly: it identifies this claim. */
  startedAt: Date;
  /**
   * A time (database clock, ms) before which its lease surely has not expired: the expiry
   * the claim or fire returned, rounded down; raised by the worker after each renewal.
   */
  leaseHeldUntilMs: number;
  target: JobTarget;
  executionType: ExecutionType;
  retry: RetryPolicy;
  signingSecret: string;
}

/** How a call ended, as the worker reports it. */
export interface ExecutionOutcome {
  status: 'succeeded' | 'failed' | 'timed_out';
  finishedAt: Date;
  durationMs: number;
  httpStatus?: number;
  responseExcerpt?: string;
  result?: unknown;
  error?: string;
}

export function timeoutOf(target: JobTarget, fallbackMs: number): number {
  const value = target.timeoutMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallbackMs;
}
