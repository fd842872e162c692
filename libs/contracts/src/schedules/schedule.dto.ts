import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const SCHEDULE_KINDS = ['cron', 'interval', 'once', 'calendar'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];
export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];
const TIME_OF_DAY = /^\d{2}:\d{2}(:\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const STRICT_ISO = { strict: true, strictSeparator: true } as const;

export class DstPolicyDto {
  @IsOptional()
  @IsIn(['skip', 'shift'])
  gap?: 'skip' | 'shift';

  @IsOptional()
  @IsIn(['first', 'both'])
  overlap?: 'first' | 'both';
}

/** Used only when `kind` is missing or unknown, so the error names `kind`. */
export class UnknownScheduleDto {
  @IsIn(SCHEDULE_KINDS)
  kind!: string;
}

export class CronScheduleDto {
  @Equals('cron')
  kind!: 'cron';

  /** 5, 6 (seconds) or 7 (year) fields, OCPS 1.4; nicknames like `@daily`. */
  @IsString()
  @MaxLength(256)
  expression!: string;

  /** IANA zone; UTC when omitted. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @IsOptional()
  @IsIn(['ocps', 'quartz'])
  dialect?: 'ocps' | 'quartz';

  @IsOptional()
  @IsIn(['or', 'and'])
  dayMatch?: 'or' | 'and';

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DstPolicyDto)
  dst?: DstPolicyDto;
}

export class IntervalScheduleDto {
  @Equals('interval')
  kind!: 'interval';

  /** `30s`, `5m`, `1h`, `1d` or ISO 8601 (`PT30S`, `P1D`). */
  @IsString()
  @MaxLength(32)
  every!: string;

  /** Anchor instant; defaults to the job's startAt, else the Unix epoch (so `1h` fires on the hour). */
  @IsOptional()
  @IsISO8601(STRICT_ISO)
  startAt?: string;
}

export class OnceScheduleDto {
  @Equals('once')
  kind!: 'once';

  @IsISO8601(STRICT_ISO)
  at!: string;
}

export class NthWeekdayDto {
  @IsIn(WEEKDAYS)
  weekday!: WeekdayName;

  @IsIn([1, 2, 3, 4, 5, -1])
  nth!: 1 | 2 | 3 | 4 | 5 | -1;
}

export class CalendarOverrideDto {
  @Matches(ISO_DATE, { message: 'date must be a date YYYY-MM-DD' })
  date!: string;

  @IsIn(['skip', 'shift', 'add'])
  action!: 'skip' | 'shift' | 'add';

  @IsOptional()
  @Matches(TIME_OF_DAY, { message: 'time must be a time of day HH:MM or HH:MM:SS' })
  time?: string;
}

export class CalendarScheduleDto {
  @Equals('calendar')
  kind!: 'calendar';

  @IsIn(['daily', 'weekly', 'monthly'])
  freq!: 'daily' | 'weekly' | 'monthly';

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(96)
  @Matches(TIME_OF_DAY, { each: true, message: 'each value in times must be a time of day HH:MM or HH:MM:SS' })
  times!: string[];

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsIn(WEEKDAYS, { each: true })
  daysOfWeek?: WeekdayName[];

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(62)
  @IsInt({ each: true })
  @Min(-31, { each: true })
  @Max(31, { each: true })
  daysOfMonth?: number[];

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(35)
  @ValidateNested({ each: true })
  @Type(() => NthWeekdayDto)
  nthWeekday?: NthWeekdayDto[];

  @IsOptional()
  @Matches(ISO_DATE, { message: 'startDate must be a date YYYY-MM-DD' })
  startDate?: string;

  @IsOptional()
  @Matches(ISO_DATE, { message: 'endDate must be a date YYYY-MM-DD' })
  endDate?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DstPolicyDto)
  dst?: DstPolicyDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CalendarOverrideDto)
  overrideDates?: CalendarOverrideDto[];
}

export type ScheduleDto = CronScheduleDto | IntervalScheduleDto | OnceScheduleDto | CalendarScheduleDto;

/** class-transformer picks the schedule class from `kind`; unknown kinds fall back to UnknownScheduleDto. */
export const SCHEDULE_TYPE_OPTIONS = {
  discriminator: {
    property: 'kind',
    subTypes: [
      { name: 'cron', value: CronScheduleDto },
      { name: 'interval', value: IntervalScheduleDto },
      { name: 'once', value: OnceScheduleDto },
      { name: 'calendar', value: CalendarScheduleDto },
    ],
  },
  keepDiscriminatorProperty: true,
};
