import type { ExecutionResponse, JobAuditEntry, JobResponse } from '@zer08/contracts';

/**
 * A job's run counters, kept in its narrow `job_runs` row (written when its results are
 * folded: docs/scheduler.md, "The result log"); usable wherever the statement's row is `jobs`
 * (SELECT … FROM jobs, RETURNING of INSERT or UPDATE on jobs). A job inserted by the same
 * statement has no counters yet: 0 and NULLs.
 */
const RUN_COLUMNS = ['call_count', 'last_run_at', 'last_status']
  .map((column) => {
    const value = `(SELECT r.${column} FROM job_runs r WHERE r.job_id = jobs.id)`;
    return `${column === 'call_count' ? `COALESCE(${value}, 0)` : value} AS ${column}`;
  })
  .join(', ');

/** The jobs columns every read returns (the signing secret never leaves the repository unasked). */
export const JOB_COLUMNS = `id, owner_id, name, description, schedule, timezone, start_at, end_at, target, execution_type,
  max_attempts, backoff, initial_delay_ms, max_delay_ms, concurrency, misfire, catch_up_limit, history_retention_days,
  status, status_before_delete, next_run_at, ${RUN_COLUMNS}, metadata, version, created_at, updated_at`;

export interface JobRow {
  id: string;
  owner_id: string;
  name: string;
  description: string | null;
  schedule: JobResponse['schedule'];
  timezone: string;
  start_at: Date | null;
  end_at: Date | null;
  target: JobResponse['target'];
  execution_type: JobResponse['executionType'];
  max_attempts: number;
  backoff: 'fixed' | 'exponential';
  initial_delay_ms: number;
  max_delay_ms: number;
  concurrency: JobResponse['concurrency'];
  misfire: JobResponse['misfire'];
  catch_up_limit: number;
  history_retention_days: number | null;
  status: JobResponse['status'];
  status_before_delete: JobResponse['status'] | null;
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_status: string | null;
  call_count: string | number;
  metadata: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function toJobResponse(row: JobRow): JobResponse {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    schedule: row.schedule,
    timezone: row.timezone,
    startAt: iso(row.start_at),
    endAt: iso(row.end_at),
    target: row.target,
    executionType: row.execution_type,
    retry: {
      maxAttempts: row.max_attempts,
      backoff: row.backoff,
      initialDelayMs: row.initial_delay_ms,
      maxDelayMs: row.max_delay_ms,
    },
    concurrency: row.concurrency,
    misfire: row.misfire,
    catchUpLimit: row.catch_up_limit,
    historyRetentionDays: row.history_retention_days,
    status: row.status,
    nextRunAt: iso(row.next_run_at),
    lastRunAt: iso(row.last_run_at),
    lastStatus: row.last_status,
    callCount: Number(row.call_count),
    metadata: row.metadata,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const EXECUTION_COLUMNS = `id, job_id, scheduled_for, attempt, trigger, status, started_at, finished_at, duration_ms,
  http_status, error, result, response_excerpt, lateness_ms`;

export interface ExecutionRow {
  id: string;
  job_id: string;
  scheduled_for: Date;
  attempt: number;
  trigger: ExecutionResponse['trigger'];
  status: ExecutionResponse['status'];
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
  http_status: number | null;
  error: string | null;
  result: unknown;
  response_excerpt: string | null;
  lateness_ms: number | null;
}

export function toExecutionResponse(row: ExecutionRow): ExecutionResponse {
  return {
    id: row.id,
    jobId: row.job_id,
    scheduledFor: row.scheduled_for.toISOString(),
    attempt: row.attempt,
    trigger: row.trigger,
    status: row.status,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms,
    httpStatus: row.http_status,
    error: row.error,
    result: row.result ?? null,
    responseExcerpt: row.response_excerpt,
    latenessMs: row.lateness_ms,
  };
}

export interface AuditRow {
  id: string;
  job_id: string;
  actor_id: string | null;
  action: JobAuditEntry['action'];
  changes: Record<string, unknown> | null;
  at: Date;
}

export function toAuditEntry(row: AuditRow): JobAuditEntry {
  return {
    id: String(row.id),
    jobId: row.job_id,
    actorId: row.actor_id,
    action: row.action,
    changes: row.changes,
    at: row.at.toISOString(),
  };
}
