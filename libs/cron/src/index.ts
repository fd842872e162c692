export { parseCron, Cron } from './cron.js';
export type { CronOptions, DstPolicy, GapPolicy, OverlapPolicy, DstEffect, Occurrence } from './cron.js';
export { CronSyntaxError, ScheduleError } from './errors.js';
export type { CronFieldName } from './errors.js';
export type { CronDialect, DayMatch, ParsedCron, ParsedField, FieldPart } from './parse.js';
export { isValidTimeZone } from './timezone.js';
export { schedule, validateSchedule, parseDuration } from './schedule.js';
export type {
  Schedule,
  ScheduleSpec,
  CronScheduleSpec,
  IntervalScheduleSpec,
  OnceScheduleSpec,
  CalendarScheduleSpec,
  CalendarOverride,
  NthWeekdayRule,
  Weekday,
  ScheduleBounds,
  ScheduleFieldError,
  ValidateOptions,
  ValidationResult,
} from './schedule.js';
