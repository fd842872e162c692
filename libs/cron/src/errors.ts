export type CronFieldName = 'pattern' | 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek' | 'year';

/** A cron expression that does not follow the grammar. `position` is the 0-based index into the original string. */
export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';
  constructor(
    message: string,
    readonly field: CronFieldName,
    readonly position: number,
  ) {
    super(message);
    Object.setPrototypeOf(this, CronSyntaxError.prototype);
  }
}

/** A schedule that cannot be used as given (bad option, unknown time zone, `@reboot` asked for times...). */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    Object.setPrototypeOf(this, ScheduleError.prototype);
  }
}
