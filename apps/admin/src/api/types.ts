import type { ScheduleSpec } from '@zer08/cron';

export type { ScheduleSpec };

/** The list envelope every collection endpoint answers. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export type Role = 'admin' | 'user';

export interface User {
  id: string;
  email: string;
  role: Role;
  disabled?: boolean;
  createdAt?: string;
  updatedAt?: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user?: User;
}

export type JobStatus = 'active' | 'paused' | 'completed' | 'deleted';
export type ExecutionType = 'AT_LEAST_ONCE' | 'AT_MOST_ONCE';
export type Concurrency = 'allow' | 'forbid' | 'replace';
export type Misfire = 'fire_once' | 'skip' | 'catch_up';
export type Backoff = 'fixed' | 'exponential';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpTarget {
  kind: 'http';
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export interface HandlerTarget {
  kind: 'handler';
  name: string;
  payload?: unknown;
}

export type JobTarget = HttpTarget | HandlerTarget;

export interface RetryPolicy {
  maxAttempts: number;
  backoff: Backoff;
  initialDelayMs: number;
  maxDelayMs?: number;
}

/** What the editor sends for POST /jobs (and, with `version`, PATCH /jobs/:id). */
export interface JobInput {
  name: string;
  description?: string | null;
  schedule: ScheduleSpec;
  target: JobTarget;
  executionType: ExecutionType;
  retry: RetryPolicy;
  concurrency: Concurrency;
  misfire: Misfire;
  startAt: string | null;
  endAt: string | null;
  metadata?: Record<string, unknown>;
}

export type ExecutionStatus =
  'pending' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'skipped' | 'abandoned' | 'cancelled';

/** The create answer carries the job's HMAC signing secret, shown this once. */
export interface CreatedJob extends Job {
  signingSecret?: string;
}

export interface Job extends JobInput {
  id: string;
  ownerId?: string;
  status: JobStatus;
  timezone?: string;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastStatus: ExecutionStatus | null;
  callCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Execution {
  id: string;
  jobId: string;
  scheduledFor: string;
  attempt: number;
  status: ExecutionStatus;
  trigger?: 'schedule' | 'manual' | 'retry';
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  httpStatus: number | null;
  error: string | null;
  result?: unknown;
  responseExcerpt?: string | null;
  replicaId?: string | null;
  /** Call start minus when it was due, in ms; null until it has run. */
  latenessMs?: number | null;
}

/** `GET /jobs/:id/lateness`: scheduled first attempts due in the window. */
export interface JobLateness {
  jobId: string;
  from: string;
  to: string;
  samples: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface SchedulePreview {
  valid: boolean;
  description?: string;
  next: string[];
}

export type {
  SchedulerStatusDto as SchedulerStatus,
  SchedulerReplicaDto as ReplicaStatus,
  JobFireTimes,
  CancelledExecutionDto as CancelledExecution,
} from '@zer08/contracts';
