import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQueryDto } from '../common/pagination';

export const EXECUTION_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'timed_out', 'skipped', 'abandoned', 'cancelled'] as const;
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
}
