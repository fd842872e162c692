import { Injectable } from '@nestjs/common';
import type { CalendarScheduleDto, CreateJobDto, HttpTargetDto, JobResponse, NthWeekdayDto, WeekdayName } from '@zer08/contracts';
import type { AuthUser } from '../auth/auth-user';
import { FieldError, ValidationFailedError } from '../common/problem';
import { JobNotFoundError } from '../jobs/jobs.errors';
import { JobsService } from '../jobs/jobs.service';
import { CompatCreateScheduleDto, CompatJob, CompatJobList, CompatListQueryDto, CompatRuleType, CompatUpdateJobDto } from './compat.dto';

type CompatFields = Omit<CompatCreateScheduleDto, 'name'> & { name: string };

/** v1 field names (as the jobs service reports errors) -> the seed's snake_case names. */
const FIELD_NAMES: [RegExp, string][] = [
  [/^schedule\.times/, 'trigger_timings'],
  [/^schedule\.startDate/, 'start_date'],
  [/^schedule\.endDate/, 'end_date'],
  [/^schedule\.freq/, 'freq'],
  [/^schedule\.(daysOfWeek|daysOfMonth|nthWeekday)/, 'rule_value'],
  [/^schedule\.overrideDates/, 'override_dates'],
  [/^schedule\.timezone/, 'timezone'],
  [/^schedule\.kind/, 'freq'],
  [/^target\.url/, 'callback_url'],
];

function renameField(error: FieldError): FieldError {
  for (const [pattern, name] of FIELD_NAMES) {
    if (pattern.test(error.field)) return { ...error, field: error.field.replace(pattern, name) };
  }
  return error;
}

function withCompatFieldNames<T>(work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (error instanceof ValidationFailedError) throw new ValidationFailedError((error.errors ?? []).map(renameField), error.message);
    throw error;
  });
}

/** The seed rule onto the calendar kind's day lists. */
function ruleToCalendar(type: CompatRuleType | undefined, value: unknown[] | null | undefined): Partial<CalendarScheduleDto> {
  switch (type) {
    case 'days_of_week':
      return { daysOfWeek: (value ?? []).map((d) => (typeof d === 'string' ? d.toUpperCase().slice(0, 3) : d)) as WeekdayName[] };
    case 'days_of_month':
      return { daysOfMonth: (value ?? []) as number[] };
    case 'nth_weekday':
      return {
        nthWeekday: (value ?? []).map((rule) =>
          typeof rule === 'object' && rule !== null && typeof (rule as NthWeekdayDto).weekday === 'string'
            ? { ...(rule as NthWeekdayDto), weekday: (rule as NthWeekdayDto).weekday.toUpperCase() as WeekdayName }
            : rule,
        ) as NthWeekdayDto[],
      };
    default:
      return {};
  }
}

function toScheduleAndTarget(fields: CompatFields): Pick<CreateJobDto, 'name' | 'schedule' | 'target' | 'metadata'> {
  const schedule: CalendarScheduleDto = {
    kind: 'calendar',
    freq: fields.freq,
    times: fields.trigger_timings,
    ...ruleToCalendar(fields.rule_type, fields.rule_value),
    ...(fields.start_date ? { startDate: fields.start_date } : {}),
    ...(fields.end_date ? { endDate: fields.end_date } : {}),
    ...(fields.timezone ? { timezone: fields.timezone } : {}),
    ...(fields.override_dates?.length ? { overrideDates: fields.override_dates.map((o) => ({ ...o })) } : {}),
  };
  const metadata = fields.metadata ?? {};
  const target: HttpTargetDto = { kind: 'http', method: 'POST', url: fields.callback_url, headers: {}, body: metadata };
  return { name: fields.name, schedule, target, metadata };
}

/** A v1 job in the seed shape; only calendar schedules with an HTTP target have one. */
function toCompat(job: JobResponse): CompatJob | undefined {
  if (job.schedule.kind !== 'calendar' || job.target.kind !== 'http') return undefined;
  const s = job.schedule;
  const [rule_type, rule_value]: [CompatRuleType, unknown[] | null] = s.daysOfWeek
    ? ['days_of_week', s.daysOfWeek]
    : s.daysOfMonth
      ? ['days_of_month', s.daysOfMonth]
      : s.nthWeekday
        ? ['nth_weekday', s.nthWeekday]
        : ['none', null];
  return {
    id: job.id,
    name: job.name,
    start_date: s.startDate ?? null,
    end_date: s.endDate ?? null,
    trigger_timings: s.times,
    freq: s.freq,
    rule_type,
    rule_value,
    override_dates: s.overrideDates ?? [],
    callback_url: job.target.url,
    timezone: job.timezone,
    metadata: job.metadata,
    status: job.status,
    next_trigger: job.nextRunAt,
    last_triggered: job.lastRunAt,
    call_count: job.callCount,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
  };
}

function fromCompat(job: CompatJob): CompatFields {
  return {
    name: job.name,
    start_date: job.start_date ?? undefined,
    end_date: job.end_date,
    trigger_timings: job.trigger_timings,
    freq: job.freq,
    rule_type: job.rule_type,
    rule_value: job.rule_value,
    override_dates: job.override_dates as CompatFields['override_dates'],
    callback_url: job.callback_url,
    metadata: job.metadata,
    timezone: job.timezone,
  };
}

/** The seed routes, mapped onto the v1 jobs service: same validation, auth and isolation (see docs/compat.md). */
@Injectable()
export class CompatService {
  constructor(private readonly jobs: JobsService) {}

  async create(user: AuthUser, dto: CompatCreateScheduleDto): Promise<CompatJob> {
    const name = dto.name ?? `${dto.freq} ${dto.trigger_timings.join(',')}`.slice(0, 200);
    const created = await withCompatFieldNames(() => this.jobs.create(user, { ...toScheduleAndTarget({ ...dto, name }) } as CreateJobDto));
    return toCompat(created) as CompatJob;
  }

  async list(user: AuthUser, query: CompatListQueryDto): Promise<CompatJobList> {
    const page = await this.jobs.list(user, {
      page: query.page,
      pageSize: query.page_size,
      status: query.status,
      scheduleKind: 'calendar',
      targetKind: 'http',
    });
    return { jobs: page.items.map((job) => toCompat(job) as CompatJob), total: page.total, page: page.page, page_size: page.pageSize };
  }

  async get(user: AuthUser, id: string): Promise<CompatJob> {
    return (await this.visibleCompatJob(user, id)).compat;
  }

  async update(user: AuthUser, id: string, dto: CompatUpdateJobDto): Promise<CompatJob> {
    const { compat: current, version } = await this.visibleCompatJob(user, id);
    const { status, ...changes } = dto;
    const definitionChanged = Object.keys(changes).length > 0;
    let job: JobResponse | undefined;
    if (definitionChanged) {
      const merged = { ...fromCompat(current), ...changes } as CompatFields;
      if (changes.rule_type === 'none') merged.rule_value = null;
      const mapped = toScheduleAndTarget(merged);
      job = await withCompatFieldNames(() => this.jobs.update(user, id, { version, ...mapped }));
    }
    if (status === 'paused') job = await this.jobs.pause(user, id);
    if (status === 'active') job = await this.jobs.resume(user, id);
    return job ? (toCompat(job) as CompatJob) : current;
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    await this.visibleCompatJob(user, id);
    await this.jobs.remove(user, id);
  }

  /** Jobs the seed shape cannot express (cron, interval, once, handler targets) do not exist on these routes. */
  private async visibleCompatJob(user: AuthUser, id: string): Promise<{ compat: CompatJob; version: number }> {
    const job = await this.jobs.get(user, id);
    const compat = toCompat(job);
    if (!compat) throw new JobNotFoundError();
    return { compat, version: job.version };
  }
}
