import { Transform, Type } from 'class-transformer';
import { IsDefined, IsInt, IsISO8601, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { toIntegerParam } from '../common/pagination';
import { SCHEDULE_TYPE_OPTIONS, ScheduleDto, UnknownScheduleDto } from './schedule.dto';

export class SchedulePreviewRequestDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownScheduleDto, SCHEDULE_TYPE_OPTIONS)
  schedule!: ScheduleDto;

  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  startAt?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  endAt?: string | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  count?: number;
}

/** `GET /jobs/:id/schedule?count=N` */
export class ScheduleQueryDto {
  @IsOptional()
  @Transform(toIntegerParam)
  @IsInt()
  @Min(1)
  @Max(100)
  count?: number;
}

/**
 * One upcoming fire time: `at` the instant (ISO, UTC); `local` the wall time in the schedule's zone
 * (`YYYY-MM-DDTHH:MM:SS`) and `offset` the zone's UTC offset then (`+01:00`), so `local + offset` is
 * the same instant; `dst` says how a DST change moved it (`skipped` wall times have `at: null`).
 */
export interface FireTime {
  at: string | null;
  local: string;
  offset: string | null;
  dst: 'none' | 'shifted' | 'repeated' | 'skipped';
}

export interface SchedulePreviewResponse {
  valid: true;
  description: string;
  timezone: string;
  next: FireTime[];
}
