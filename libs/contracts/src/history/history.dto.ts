import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { PageQueryDto } from '../common/pagination';

export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'skipped',
  'abandoned',
  'cancelled',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** `GET /api/v1/jobs/:id/history` query: newest first; `from`/`to` bound scheduledFor (inclusive). */
export class ListHistoryQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  to?: string;
}

export interface ExecutionResponse {
  id: string;
  jobId: string;
  scheduledFor: string;
  attempt: number;
  trigger: 'schedule' | 'manual' | 'retry';
  status: ExecutionStatus;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  httpStatus: number | null;
  error: string | null;
  result: unknown;
  responseExcerpt: string | null;
  /** Call start minus when it was due (occurrence, or end of backoff for a retry); null until it has run. */
  latenessMs: number | null;
}

/** A window ending now: the last `minutes` (1..1440, default 60). */
export class RecentWindowQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes?: number;
}

/** `GET /api/v1/executions/activity`: the caller's executions in the window. */
export class ActivityQueryDto extends RecentWindowQueryDto {}

export interface ActivityMinute {
  /** Start of the minute (ISO 8601, UTC). */
  minute: string;
  succeeded: number;
  /** failed, timed_out and abandoned. */
  failed: number;
  /** Everything else that finished or started in that minute (skipped, cancelled, still running). */
  other: number;
}

export interface FailedExecutionResponse extends ExecutionResponse {
  jobName: string;
}

export interface ActivityResponse {
  from: string;
  to: string;
  /** One entry per minute of the window, oldest first, zeros included. */
  perMinute: ActivityMinute[];
  /** The 10 latest failed, timed-out or abandoned executions in the window, newest first. */
  recentFailures: FailedExecutionResponse[];
}

/** `GET /api/v1/jobs/:id/lateness`: the job's scheduled first attempts due in the window. */
export class LatenessQueryDto extends RecentWindowQueryDto {}

/** Fire lateness of a job's scheduled first attempts due within the window. */
export interface JobLatenessResponse {
  jobId: string;
  from: string;
  to: string;
  /** Executions counted; the percentiles are null when there are none. */
  samples: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}
