import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { FireTime } from '../schedules/preview.dto';
import { SCHEDULE_TYPE_OPTIONS, ScheduleDto, UnknownScheduleDto } from '../schedules/schedule.dto';
import { RetryPolicyDto, TARGET_TYPE_OPTIONS, TargetDto, UnknownTargetDto } from './target.dto';

export const EXECUTION_TYPES = ['AT_LEAST_ONCE', 'AT_MOST_ONCE'] as const;
export type ExecutionType = (typeof EXECUTION_TYPES)[number];
export const CONCURRENCY_POLICIES = ['allow', 'forbid', 'replace'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];
export const MISFIRE_POLICIES = ['fire_once', 'skip', 'catch_up'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];
export const JOB_STATUSES = ['active', 'paused', 'completed', 'deleted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const MAX_BULK_JOBS = 1000;

const STRICT_ISO = { strict: true, strictSeparator: true } as const;

/** How a job runs: the optional settings that create and PATCH share. */
export class JobSettingsDto {
  @IsOptional()
  @IsIn(EXECUTION_TYPES)
  executionType?: ExecutionType;

  /** On PATCH, merged field by field into the current policy. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retry?: RetryPolicyDto;

  @IsOptional()
  @IsIn(CONCURRENCY_POLICIES)
  concurrency?: ConcurrencyPolicy;

  @IsOptional()
  @IsIn(MISFIRE_POLICIES)
  misfire?: MisfirePolicy;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  catchUpLimit?: number;

  /** No occurrence before this instant. */
  @IsOptional()
  @IsISO8601(STRICT_ISO)
  startAt?: string | null;

  /** No occurrence after this instant. */
  @IsOptional()
  @IsISO8601(STRICT_ISO)
  endAt?: string | null;

  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  /** Executions older than this are purged; null keeps them forever. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  historyRetentionDays?: number | null;
}

/** `POST /api/v1/jobs` */
export class CreateJobDto extends JobSettingsDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownScheduleDto, SCHEDULE_TYPE_OPTIONS)
  schedule!: ScheduleDto;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownTargetDto, TARGET_TYPE_OPTIONS)
  target!: TargetDto;
}

/** `PATCH /api/v1/jobs/:id`: any subset of the create fields plus the `version` you read. */
export class UpdateJobDto extends JobSettingsDto {
  @IsInt()
  @Min(1)
  version!: number;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownScheduleDto, SCHEDULE_TYPE_OPTIONS)
  schedule?: ScheduleDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownTargetDto, TARGET_TYPE_OPTIONS)
  target?: TargetDto;
}

/** `POST /api/v1/jobs/bulk`: 1..1,000 jobs, created all or none. */
export class BulkCreateJobsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_JOBS)
  @ValidateNested({ each: true })
  @Type(() => CreateJobDto)
  jobs!: CreateJobDto[];
}

export interface RetryPolicy {
  maxAttempts: number;
  backoff: 'fixed' | 'exponential';
  initialDelayMs: number;
  maxDelayMs: number;
}

/** A job as the API answers it. The signing secret is never part of it. */
export interface JobResponse {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  schedule: ScheduleDto;
  timezone: string;
  startAt: string | null;
  endAt: string | null;
  target: TargetDto;
  executionType: ExecutionType;
  retry: RetryPolicy;
  concurrency: ConcurrencyPolicy;
  misfire: MisfirePolicy;
  catchUpLimit: number;
  historyRetentionDays: number | null;
  status: JobStatus;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastStatus: string | null;
  callCount: number;
  metadata: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The create answer: the job plus its HMAC signing secret, shown this once. */
export interface CreatedJobResponse extends JobResponse {
  signingSecret: string;
}

export interface BulkCreatedJob {
  id: string;
  name: string;
  nextRunAt: string | null;
  signingSecret: string;
}

export interface BulkCreateJobsResponse {
  count: number;
  items: BulkCreatedJob[];
}

export interface RotatedSecretResponse {
  id: string;
  signingSecret: string;
  version: number;
}

export interface JobAuditEntry {
  id: string;
  jobId: string;
  actorId: string | null;
  action: 'created' | 'updated' | 'paused' | 'resumed' | 'deleted' | 'restored' | 'triggered' | 'secret_rotated';
  changes: Record<string, unknown> | null;
  at: string;
}

export interface JobFireTimes {
  jobId: string;
  timezone: string;
  next: FireTime[];
}
