import { Transform, Type } from 'class-transformer';
import { toIntegerParam } from '@zer08/contracts';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const COMPAT_RULE_TYPES = ['none', 'days_of_week', 'days_of_month', 'nth_weekday'] as const;
export type CompatRuleType = (typeof COMPAT_RULE_TYPES)[number];

export class CompatOverrideDateDto {
  @Matches(ISO_DATE, { message: 'date must be a date YYYY-MM-DD' })
  date!: string;

  @IsIn(['skip', 'shift', 'add'])
  action!: 'skip' | 'shift' | 'add';

  @IsOptional()
  @Matches(/^\d{2}:\d{2}(:\d{2})?$/, { message: 'time must be a time of day HH:MM' })
  time?: string;
}

/** What the seed's create and update shapes share, all optional. */
export class CompatScheduleOptionsDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @Matches(ISO_DATE, { message: 'end_date must be a date YYYY-MM-DD' })
  end_date?: string | null;

  @IsOptional()
  @IsIn(COMPAT_RULE_TYPES)
  rule_type?: CompatRuleType;

  /** days_of_week: ["MON","WED"]; days_of_month: [1, 15, -1]; nth_weekday: [{"weekday":"MON","nth":1}]. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(62)
  rule_value?: unknown[] | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CompatOverrideDateDto)
  override_dates?: CompatOverrideDateDto[];

  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  /** Not in the seed shape (it ran in UTC); accepted as an extension. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

/** `POST /api/schedule`: the original ZER08 (seed) job shape, snake_case. */
export class CompatCreateScheduleDto extends CompatScheduleOptionsDto {
  @IsOptional()
  @Matches(ISO_DATE, { message: 'start_date must be a date YYYY-MM-DD' })
  start_date?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(96)
  @IsString({ each: true })
  trigger_timings!: string[];

  @IsIn(['daily', 'weekly', 'monthly'])
  freq!: 'daily' | 'weekly' | 'monthly';

  @IsString()
  @MaxLength(2048)
  callback_url!: string;
}

/** `PATCH /api/job/:id`: any subset; `status` active|paused pauses or resumes. Last writer wins (no version). */
export class CompatUpdateJobDto extends CompatScheduleOptionsDto {
  @IsOptional()
  @Matches(ISO_DATE, { message: 'start_date must be a date YYYY-MM-DD' })
  start_date?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(96)
  @IsString({ each: true })
  trigger_timings?: string[];

  @IsOptional()
  @IsIn(['daily', 'weekly', 'monthly'])
  freq?: 'daily' | 'weekly' | 'monthly';

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  callback_url?: string;

  @IsOptional()
  @IsIn(['active', 'paused'])
  status?: 'active' | 'paused';
}

export interface CompatJob {
  id: string;
  name: string;
  start_date: string | null;
  end_date: string | null;
  trigger_timings: string[];
  freq: 'daily' | 'weekly' | 'monthly';
  rule_type: CompatRuleType;
  rule_value: unknown[] | null;
  override_dates: { date: string; action: string; time?: string }[];
  callback_url: string;
  timezone: string;
  metadata: Record<string, unknown>;
  status: string;
  next_trigger: string | null;
  last_triggered: string | null;
  call_count: number;
  created_at: string;
  updated_at: string;
}

export class CompatListQueryDto {
  @IsOptional()
  @Transform(toIntegerParam)
  @IsInt()
  @Min(1)
  page?: number;

  @IsOptional()
  @Transform(toIntegerParam)
  @IsInt()
  @Min(1)
  @Max(100)
  page_size?: number;

  @IsOptional()
  @IsIn(['active', 'paused', 'completed', 'deleted'])
  status?: 'active' | 'paused' | 'completed' | 'deleted';
}

export interface CompatJobList {
  jobs: CompatJob[];
  total: number;
  page: number;
  page_size: number;
}
