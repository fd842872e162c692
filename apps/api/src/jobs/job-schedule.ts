import { Cron, Occurrence, schedule, Schedule, ScheduleSpec, validateSchedule } from '@zer08/cron';
import type { FireTime, ScheduleDto } from '@zer08/contracts';
import type { FieldError } from '../common/problem';

/** Time zone a job's wall times are shown in: the schedule's own, else UTC (intervals and one-offs are zone-free). */
export function timezoneOf(spec: ScheduleDto): string {
  return 'timezone' in spec && typeof spec.timezone === 'string' ? spec.timezone : 'UTC';
}

/**
 * An interval without its own anchor is anchored at the job's startAt (else the Unix epoch). The
 * anchor is written into the stored schedule, so every reader (scheduler, console preview) iterates
 * the very same occurrences without knowing this rule.
 */
export function anchorInterval(spec: ScheduleDto, startAt: string | null): ScheduleDto {
  if (spec.kind === 'interval' && spec.startAt === undefined && startAt !== null) return { ...spec, startAt };
  return spec;
}

function engineSpec(spec: ScheduleDto, startAt: string | null): ScheduleSpec {
  return anchorInterval(spec, startAt) as ScheduleSpec;
}

export interface ScheduleWindow {
  startAt: string | null;
  endAt: string | null;
}

export type ScheduleCheck = { ok: true; nextRunAt: Date } | { ok: false; errors: FieldError[] };

/** Engine fields about the bounds are the job's top-level startAt/endAt; everything else lives under `schedule.` */
function toJobField(field: string, prefix: string): string {
  if (field === 'startAt' || field === 'endAt') return `${prefix}${field}`;
  return `${prefix}schedule.${field}`;
}

/**
 * Validates a job's schedule as the API stores it: syntax, time zone, bounds, and that it fires at
 * least once after `now`. The cache (per request) makes a bulk of identical schedules cost one parse.
 */
export function checkJobSchedule(
  spec: ScheduleDto,
  window: ScheduleWindow,
  now: Date,
  cache?: Map<string, ScheduleCheck>,
  fieldPrefix = '',
): ScheduleCheck {
  const key = cache ? `${JSON.stringify(spec)}|${window.startAt}|${window.endAt}` : '';
  const cached = cache?.get(key);
  if (cached) return prefixed(cached, fieldPrefix);
  const result = validateSchedule(engineSpec(spec, window.startAt), {
    now,
    count: 1,
    startAt: window.startAt ?? undefined,
    endAt: window.endAt ?? undefined,
  });
  const check: ScheduleCheck = result.ok
    ? { ok: true, nextRunAt: result.next[0] }
    : {
        ok: false,
        errors: result.errors.map((e) => ({ ...e, field: toJobField(e.field, '') })),
      };
  cache?.set(key, check);
  return prefixed(check, fieldPrefix);
}

function prefixed(check: ScheduleCheck, prefix: string): ScheduleCheck {
  if (check.ok || prefix === '') return check;
  return { ok: false, errors: check.errors.map((e) => ({ ...e, field: `${prefix}${e.field}` })) };
}

/** The occurrence iterator of a stored job (bounded by its startAt/endAt). */
export function jobSchedule(spec: ScheduleDto, window: ScheduleWindow): Schedule {
  return schedule(engineSpec(spec, window.startAt), {
    startAt: window.startAt ?? undefined,
    endAt: window.endAt ?? undefined,
  });
}

/** The next fire time strictly after `after`, or null when the schedule is exhausted. */
export function nextRunAfter(spec: ScheduleDto, window: ScheduleWindow, after: Date): Date | null {
  return jobSchedule(spec, window).next(after);
}

/** A human description of a schedule, for previews. */
export function describeSchedule(spec: ScheduleDto): string {
  const zone = timezoneOf(spec);
  switch (spec.kind) {
    case 'cron':
      return `${new Cron(spec.expression, { timezone: spec.timezone, dialect: spec.dialect, dayMatch: spec.dayMatch }).describe()} (${zone})`;
    case 'interval':
      return `Every ${spec.every}${spec.startAt ? ` from ${spec.startAt}` : ''}`;
    case 'once':
      return `Once at ${spec.at}`;
    case 'calendar': {
      const days =
        spec.freq === 'daily'
          ? 'every day'
          : spec.freq === 'weekly'
            ? `every ${(spec.daysOfWeek ?? []).join(', ')}`
            : [
                spec.daysOfMonth?.length ? `on day ${spec.daysOfMonth.join(', ')} of the month` : '',
                ...(spec.nthWeekday ?? []).map((r) => `on the ${r.nth === -1 ? 'last' : `#${r.nth}`} ${r.weekday} of the month`),
              ]
                .filter(Boolean)
                .join(' and ');
      const overrides = spec.overrideDates?.length ? `, ${spec.overrideDates.length} override date(s)` : '';
      return `At ${spec.times.join(', ')} ${days} (${zone})${overrides}`;
    }
  }
}

/** An occurrence as the API answers it: the instant, the wall time in the zone, its UTC offset there, and what DST did. */
export function toFireTime(occurrence: Occurrence): FireTime {
  if (occurrence.at === null) return { at: null, local: occurrence.local, offset: null, dst: occurrence.dst };
  const minutes = Math.round((Date.parse(`${occurrence.local}Z`) - occurrence.at.getTime()) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { at: occurrence.at.toISOString(), local: occurrence.local, offset, dst: occurrence.dst };
}
