import { MAX_YEAR, MIN_YEAR, MS_PER_DAY, RANGE_END_MS, RANGE_START_MS, daysFromCivil, daysInMonth, formatWall, weekdayOfDays } from './civil.js';
import { Cron, DstEffect, DstPolicy, Occurrence } from './cron.js';
import { CronSyntaxError, ScheduleError } from './errors.js';
import { CronDialect, DayMatch } from './parse.js';
import { Zone, getZone, isValidTimeZone } from './timezone.js';

export type Weekday = 'SUN' | 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT';

export interface CronScheduleSpec {
  kind: 'cron';
  expression: string;
  timezone?: string;
  dialect?: CronDialect;
  dayMatch?: DayMatch;
  dst?: DstPolicy;
}

export interface IntervalScheduleSpec {
  kind: 'interval';
  /** `30s`, `5m`, `1h`, `1d` or an ISO 8601 duration without years/months (`PT30S`, `P1D`, `P1W`). */
  every: string;
  /** Anchor instant (ISO 8601 with offset); the first occurrence. Defaults to 1970-01-01T00:00:00Z. */
  startAt?: string;
}

export interface OnceScheduleSpec {
  kind: 'once';
  at: string;
}

export interface CalendarOverride {
  date: string;
  action: 'skip' | 'shift' | 'add';
  time?: string;
}

export interface NthWeekdayRule {
  weekday: Weekday;
  nth: 1 | 2 | 3 | 4 | 5 | -1;
}

export interface CalendarScheduleSpec {
  kind: 'calendar';
  freq: 'daily' | 'weekly' | 'monthly';
  times: string[];
  daysOfWeek?: Weekday[];
  daysOfMonth?: number[];
  nthWeekday?: NthWeekdayRule[];
  startDate?: string;
  endDate?: string;
  timezone?: string;
  dst?: DstPolicy;
  overrideDates?: CalendarOverride[];
}

export type ScheduleSpec = CronScheduleSpec | IntervalScheduleSpec | OnceScheduleSpec | CalendarScheduleSpec;

export interface ScheduleBounds {
  /** No occurrence before this instant (inclusive bound). */
  startAt?: Date | string;
  /** No occurrence after this instant (inclusive bound). */
  endAt?: Date | string;
}

export interface ScheduleFieldError {
  field: string;
  message: string;
  position?: number;
}

export interface Schedule {
  readonly kind: ScheduleSpec['kind'];
  next(after?: Date): Date | null;
  prev(before?: Date): Date | null;
  nextN(count: number, after?: Date): Date[];
  nextOccurrence(after?: Date): Occurrence | null;
  /** Next `count` occurrences plus DST-skipped entries (at: null) between them. */
  preview(count: number, after?: Date): Occurrence[];
}

interface Source {
  next(after: number): Occurrence | null;
  prev(before: number): Occurrence | null;
  preview(count: number, after: number): Occurrence[];
}

const WEEKDAYS: Weekday[] = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

class ErrorList {
  readonly errors: ScheduleFieldError[] = [];
  add(field: string, message: string, position?: number): void {
    this.errors.push(position === undefined ? { field, message } : { field, message, position });
  }
}

/** Parses an ISO 8601 instant with an explicit offset; null if malformed or not a real date. */
export function parseInstant(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = ISO_INSTANT.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

function parseDate(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = ISO_DATE.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

function parseTime(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = TIME_OF_DAY.exec(text);
  if (m === null) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return null;
  return (hour * 3600 + minute * 60 + second) * 1000;
}

const SHORT_DURATION = /^([1-9]\d{0,9})(s|m|h|d)$/;
const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: MS_PER_DAY };

/** Milliseconds of an interval, or an error message. */
export function parseDuration(text: unknown): number | string {
  if (typeof text !== 'string') return 'must be a string such as "30s", "5m", "1h", "1d" or "PT30S"';
  const short = SHORT_DURATION.exec(text);
  let ms: number;
  if (short !== null) {
    ms = Number(short[1]) * UNIT_MS[short[2]];
  } else {
    const datePart = text.startsWith('P') ? text.slice(1).split('T')[0] : '';
    if (/[YM]/.test(datePart)) {
      return `'${text}': years and months have no fixed length; use a cron or calendar schedule`;
    }
    const iso = ISO_DURATION.exec(text);
    if (iso === null || text === 'P' || text.endsWith('T')) {
      return `'${text}' is not a duration; use e.g. "30s", "5m", "1h", "1d" or ISO 8601 "PT30S", "P1D"`;
    }
    const [weeks, days, hours, minutes, seconds] = [1, 2, 3, 4, 5].map((i) => Number(iso[i] ?? 0));
    ms = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000;
  }
  if (ms <= 0) return `'${text}' must be longer than zero`;
  if (ms > RANGE_END_MS - RANGE_START_MS) return `'${text}' is longer than the supported range (1970-2199)`;
  return ms;
}

const CRON_KEYS = ['kind', 'expression', 'timezone', 'dialect', 'dayMatch', 'dst'];
const INTERVAL_KEYS = ['kind', 'every', 'startAt'];
const ONCE_KEYS = ['kind', 'at'];
const CALENDAR_KEYS = ['kind', 'freq', 'times', 'daysOfWeek', 'daysOfMonth', 'nthWeekday', 'startDate', 'endDate', 'timezone', 'dst', 'overrideDates'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(spec: Record<string, unknown>, allowed: string[], errors: ErrorList, prefix = ''): void {
  for (const key of Object.keys(spec)) if (!allowed.includes(key)) errors.add(`${prefix}${key}`, `unknown property '${key}'`);
}

function checkTimezone(spec: Record<string, unknown>, errors: ErrorList): void {
  if (spec.timezone === undefined) return;
  if (typeof spec.timezone !== 'string' || !isValidTimeZone(spec.timezone)) {
    errors.add('timezone', `unknown time zone '${String(spec.timezone)}'; use an IANA name such as 'Europe/Berlin'`);
  }
}

function checkDst(spec: Record<string, unknown>, errors: ErrorList): void {
  if (spec.dst === undefined) return;
  if (!isObject(spec.dst)) {
    errors.add('dst', "must be an object like { gap: 'skip', overlap: 'first' }");
    return;
  }
  checkKeys(spec.dst, ['gap', 'overlap'], errors, 'dst.');
  if (spec.dst.gap !== undefined && spec.dst.gap !== 'skip' && spec.dst.gap !== 'shift') errors.add('dst.gap', "must be 'skip' or 'shift'");
  if (spec.dst.overlap !== undefined && spec.dst.overlap !== 'first' && spec.dst.overlap !== 'both') errors.add('dst.overlap', "must be 'first' or 'both'");
}

/** Structural checks for every kind; returns field errors (empty when the spec is well-formed). */
function checkSpec(spec: unknown): ScheduleFieldError[] {
  const errors = new ErrorList();
  if (!isObject(spec)) {
    errors.add('kind', 'the schedule must be an object with a kind');
    return errors.errors;
  }
  switch (spec.kind) {
    case 'cron': {
      checkKeys(spec, CRON_KEYS, errors);
      if (typeof spec.expression !== 'string') errors.add('expression', 'must be a cron expression string');
      if (spec.dialect !== undefined && spec.dialect !== 'ocps' && spec.dialect !== 'quartz') errors.add('dialect', "must be 'ocps' or 'quartz'");
      if (spec.dayMatch !== undefined && spec.dayMatch !== 'or' && spec.dayMatch !== 'and') errors.add('dayMatch', "must be 'or' or 'and'");
      checkTimezone(spec, errors);
      checkDst(spec, errors);
      if (typeof spec.expression === 'string' && errors.errors.every((e) => e.field !== 'dialect' && e.field !== 'dayMatch')) {
        try {
          new Cron(spec.expression, { dialect: spec.dialect as CronDialect | undefined, dayMatch: spec.dayMatch as DayMatch | undefined });
        } catch (error) {
          if (error instanceof CronSyntaxError) errors.add('expression', error.message, error.position);
          else throw error;
        }
      }
      break;
    }
    case 'interval': {
      checkKeys(spec, INTERVAL_KEYS, errors);
      const duration = parseDuration(spec.every);
      if (typeof duration === 'string') errors.add('every', duration);
      if (spec.startAt !== undefined && parseInstant(spec.startAt) === null) {
        errors.add('startAt', 'must be an ISO 8601 instant with offset, e.g. 2027-01-01T09:00:00Z');
      }
      break;
    }
    case 'once': {
      checkKeys(spec, ONCE_KEYS, errors);
      const at = parseInstant(spec.at);
      if (at === null) errors.add('at', 'must be an ISO 8601 instant with offset, e.g. 2027-01-01T09:00:00Z');
      else if (at < RANGE_START_MS || at >= RANGE_END_MS) errors.add('at', 'must lie in the years 1970-2199');
      break;
    }
    case 'calendar':
      checkCalendar(spec, errors);
      break;
    default:
      errors.add('kind', "must be one of 'cron', 'interval', 'once', 'calendar'");
  }
  return errors.errors;
}

function checkCalendar(spec: Record<string, unknown>, errors: ErrorList): void {
  checkKeys(spec, CALENDAR_KEYS, errors);
  const freq = spec.freq;
  if (freq !== 'daily' && freq !== 'weekly' && freq !== 'monthly') errors.add('freq', "must be 'daily', 'weekly' or 'monthly'");
  if (!Array.isArray(spec.times) || spec.times.length === 0) errors.add('times', 'must be a non-empty list of times of day like "09:00"');
  else spec.times.forEach((t, i) => parseTime(t) === null && errors.add(`times[${i}]`, `'${String(t)}' is not a time of day (HH:MM or HH:MM:SS, 00:00-23:59:59)`));

  const hasDow = spec.daysOfWeek !== undefined;
  const hasDom = spec.daysOfMonth !== undefined;
  const hasNth = spec.nthWeekday !== undefined;
  if (hasDow) {
    if (!Array.isArray(spec.daysOfWeek) || spec.daysOfWeek.length === 0) errors.add('daysOfWeek', 'must be a non-empty list like ["MON","WED"]');
    else spec.daysOfWeek.forEach((d, i) => !WEEKDAYS.includes(d as Weekday) && errors.add(`daysOfWeek[${i}]`, `'${String(d)}' is not one of ${WEEKDAYS.join(', ')}`));
  }
  if (hasDom) {
    if (!Array.isArray(spec.daysOfMonth) || spec.daysOfMonth.length === 0) errors.add('daysOfMonth', 'must be a non-empty list like [1, 15, -1]');
    else
      spec.daysOfMonth.forEach((d, i) => {
        if (!Number.isInteger(d) || d === 0 || (d as number) < -31 || (d as number) > 31) errors.add(`daysOfMonth[${i}]`, `'${String(d)}' must be a day 1-31, or -1 (last) to -31`);
      });
  }
  if (hasNth) {
    if (!Array.isArray(spec.nthWeekday) || spec.nthWeekday.length === 0) errors.add('nthWeekday', 'must be a non-empty list like [{"weekday":"MON","nth":1}]');
    else
      spec.nthWeekday.forEach((rule, i) => {
        if (!isObject(rule)) return errors.add(`nthWeekday[${i}]`, 'must be an object { weekday, nth }');
        if (!WEEKDAYS.includes(rule.weekday as Weekday)) errors.add(`nthWeekday[${i}].weekday`, `'${String(rule.weekday)}' is not one of ${WEEKDAYS.join(', ')}`);
        if (![1, 2, 3, 4, 5, -1].includes(rule.nth as number)) errors.add(`nthWeekday[${i}].nth`, 'must be 1, 2, 3, 4, 5 or -1 (last)');
      });
  }
  if (freq === 'daily' && (hasDow || hasDom || hasNth)) {
    errors.add(hasDow ? 'daysOfWeek' : hasDom ? 'daysOfMonth' : 'nthWeekday', "day rules need freq 'weekly' or 'monthly'; 'daily' runs every day");
  }
  if (freq === 'weekly') {
    if (!hasDow) errors.add('daysOfWeek', "freq 'weekly' needs daysOfWeek");
    if (hasDom) errors.add('daysOfMonth', "daysOfMonth needs freq 'monthly'");
    if (hasNth) errors.add('nthWeekday', "nthWeekday needs freq 'monthly'");
  }
  if (freq === 'monthly') {
    if (!hasDom && !hasNth) errors.add('daysOfMonth', "freq 'monthly' needs daysOfMonth or nthWeekday");
    if (hasDow) errors.add('daysOfWeek', "daysOfWeek needs freq 'weekly'; use nthWeekday for monthly weekday rules");
  }
  const start = spec.startDate === undefined ? null : parseDate(spec.startDate);
  const end = spec.endDate === undefined ? null : parseDate(spec.endDate);
  if (spec.startDate !== undefined && start === null) errors.add('startDate', 'must be a date YYYY-MM-DD in 1970-2199');
  if (spec.endDate !== undefined && end === null) errors.add('endDate', 'must be a date YYYY-MM-DD in 1970-2199');
  if (start !== null && end !== null && end < start) errors.add('endDate', `endDate ${String(spec.endDate)} is before startDate ${String(spec.startDate)}`);
  checkTimezone(spec, errors);
  checkDst(spec, errors);
  if (spec.overrideDates !== undefined) {
    if (!Array.isArray(spec.overrideDates)) errors.add('overrideDates', 'must be a list of { date, action, time? }');
    else {
      const seen = new Map<number, number>();
      spec.overrideDates.forEach((o, i) => {
        const path = `overrideDates[${i}]`;
        if (!isObject(o)) return errors.add(path, 'must be an object { date, action, time? }');
        checkKeys(o, ['date', 'action', 'time'], errors, `${path}.`);
        const day = parseDate(o.date);
        if (day === null) errors.add(`${path}.date`, 'must be a date YYYY-MM-DD in 1970-2199');
        else if (seen.has(day)) errors.add(`${path}.date`, `${String(o.date)} already has an override (overrideDates[${seen.get(day)}])`);
        else seen.set(day, i);
        if (o.action !== 'skip' && o.action !== 'shift' && o.action !== 'add') errors.add(`${path}.action`, "must be 'skip', 'shift' or 'add'");
        if (o.time !== undefined) {
          if (o.action !== 'add') errors.add(`${path}.time`, "time is only used with action 'add'");
          else if (parseTime(o.time) === null) errors.add(`${path}.time`, `'${String(o.time)}' is not a time of day (HH:MM or HH:MM:SS)`);
        }
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sources

class CronSource implements Source {
  constructor(readonly cron: Cron) {}
  next(after: number): Occurrence | null {
    return this.cron.nextOccurrence(new Date(after));
  }
  prev(before: number): Occurrence | null {
    return this.cron.prevOccurrence(new Date(before));
  }
  preview(count: number, after: number): Occurrence[] {
    return this.cron.preview(count, new Date(after));
  }
}

function utcOccurrence(instant: number): Occurrence {
  return { at: new Date(instant), local: formatWall(instant), dst: 'none' };
}

class IntervalSource implements Source {
  constructor(
    private readonly anchor: number,
    private readonly every: number,
  ) {}
  next(after: number): Occurrence | null {
    const k = after < this.anchor ? 0 : Math.floor((after - this.anchor) / this.every) + 1;
    const instant = this.anchor + k * this.every;
    return instant >= RANGE_END_MS ? null : utcOccurrence(instant);
  }
  prev(before: number): Occurrence | null {
    if (before <= this.anchor) return null;
    const k = Math.ceil((before - this.anchor) / this.every) - 1;
    return utcOccurrence(this.anchor + k * this.every);
  }
  preview(count: number, after: number): Occurrence[] {
    return collect(this, count, after);
  }
}

class OnceSource implements Source {
  constructor(private readonly at: number) {}
  next(after: number): Occurrence | null {
    return this.at > after ? utcOccurrence(this.at) : null;
  }
  prev(before: number): Occurrence | null {
    return this.at < before ? utcOccurrence(this.at) : null;
  }
  preview(count: number, after: number): Occurrence[] {
    return collect(this, count, after);
  }
}

function collect(source: Source, count: number, after: number): Occurrence[] {
  const result: Occurrence[] = [];
  let cursor = after;
  while (result.length < count) {
    const found = source.next(cursor);
    if (found === null || found.at === null) break;
    result.push(found);
    cursor = found.at.getTime();
  }
  return result;
}

interface DayRun {
  instant: number | null;
  wall: number;
  dst: DstEffect;
}

const FIRST_DAY = daysFromCivil(MIN_YEAR, 1, 1);
const LAST_DAY = daysFromCivil(MAX_YEAR, 12, 31);

/**
 * The calendar kind, evaluated day by day in the schedule's zone:
 * - rule days: every day (daily), listed weekdays (weekly), listed days of month or nth weekdays (monthly),
 *   limited to [startDate, endDate];
 * - `skip` removes the rule runs of that date; `shift` moves them to the next Monday-Friday that has no
 *   skip or shift override of its own; `add` adds runs at `time` (or at `times`) whatever the rule says.
 */
class CalendarSource implements Source {
  private readonly times: number[];
  private readonly weekdays: boolean[];
  private readonly daysOfMonth: number[];
  private readonly nth: { weekday: number; nth: number }[];
  private readonly startDay: number;
  private readonly endDay: number;
  private readonly overrides = new Map<number, CalendarOverride>();
  private readonly extraRuns = new Map<number, number[]>();
  private readonly firstDay: number;
  private readonly lastDay: number;
  private readonly shiftGaps: boolean;
  private readonly bothOverlaps: boolean;

  constructor(
    private readonly spec: CalendarScheduleSpec,
    private readonly zone: Zone,
  ) {
    this.times = [...new Set(spec.times.map((t) => parseTime(t) as number))].sort((a, b) => a - b);
    this.weekdays = WEEKDAYS.map((d) => spec.daysOfWeek?.includes(d) ?? false);
    this.daysOfMonth = spec.daysOfMonth ?? [];
    this.nth = (spec.nthWeekday ?? []).map((r) => ({ weekday: WEEKDAYS.indexOf(r.weekday), nth: r.nth }));
    this.startDay = spec.startDate === undefined ? FIRST_DAY : (parseDate(spec.startDate) as number);
    this.endDay = spec.endDate === undefined ? LAST_DAY : (parseDate(spec.endDate) as number);
    this.shiftGaps = spec.dst?.gap === 'shift';
    this.bothOverlaps = spec.dst?.overlap === 'both';
    let firstDay = this.startDay;
    let lastDay = this.endDay;
    for (const o of spec.overrideDates ?? []) this.overrides.set(parseDate(o.date) as number, o);
    for (const [day, o] of this.overrides) {
      if (o.action === 'add') {
        this.addExtra(day, o.time === undefined ? this.times : [parseTime(o.time) as number]);
        firstDay = Math.min(firstDay, day);
        lastDay = Math.max(lastDay, day);
      } else if (o.action === 'shift' && this.isRuleDay(day)) {
        const target = this.shiftTarget(day);
        this.addExtra(target, this.times);
        lastDay = Math.max(lastDay, target);
      }
    }
    this.firstDay = firstDay;
    this.lastDay = Math.min(lastDay, LAST_DAY + 7);
  }

  private addExtra(day: number, times: number[]): void {
    const list = this.extraRuns.get(day) ?? [];
    this.extraRuns.set(day, [...new Set([...list, ...times])].sort((a, b) => a - b));
  }

  private shiftTarget(day: number): number {
    let target = day + 1;
    for (;;) {
      const weekday = weekdayOfDays(target);
      const action = this.overrides.get(target)?.action;
      if (weekday !== 0 && weekday !== 6 && action !== 'skip' && action !== 'shift') return target;
      target++;
    }
  }

  private isRuleDay(day: number): boolean {
    if (day < this.startDay || day > this.endDay) return false;
    const weekday = weekdayOfDays(day);
    switch (this.spec.freq) {
      case 'daily':
        return true;
      case 'weekly':
        return this.weekdays[weekday];
      case 'monthly': {
        const date = formatWall(day * MS_PER_DAY);
        const year = Number(date.slice(0, 4));
        const month = Number(date.slice(5, 7));
        const dom = Number(date.slice(8, 10));
        const length = daysInMonth(year, month);
        for (const d of this.daysOfMonth) if (d === dom || length + 1 + d === dom) return true;
        for (const r of this.nth) {
          if (r.weekday !== weekday) continue;
          if (r.nth === -1 ? dom + 7 > length : Math.ceil(dom / 7) === r.nth) return true;
        }
        return false;
      }
    }
  }

  private timesOf(day: number): number[] {
    const action = this.overrides.get(day)?.action;
    const ruleTimes = action !== 'skip' && action !== 'shift' && this.isRuleDay(day) ? this.times : [];
    const extra = this.extraRuns.get(day);
    if (extra === undefined) return ruleTimes;
    return [...new Set([...ruleTimes, ...extra])].sort((a, b) => a - b);
  }

  /** Runs of one local day, in time order, with DST handling applied. */
  private runsOf(day: number): DayRun[] {
    const runs: DayRun[] = [];
    for (const time of this.timesOf(day)) {
      const wall = day * MS_PER_DAY + time;
      const { instants, minOffset } = instantsOfWall(this.zone, wall);
      if (instants.length === 0) {
        runs.push(this.shiftGaps ? { instant: wall - minOffset, wall, dst: 'shifted' } : { instant: null, wall, dst: 'skipped' });
      } else {
        runs.push({ instant: instants[0], wall, dst: 'none' });
        if (instants.length > 1 && this.bothOverlaps) runs.push({ instant: instants[1], wall, dst: 'repeated' });
      }
    }
    return runs;
  }

  private dayOf(instant: number): number {
    return Math.floor((instant + this.zone.offsetAt(instant)) / MS_PER_DAY);
  }

  next(after: number): Occurrence | null {
    let best: DayRun | null = null;
    let bestDay = 0;
    for (let day = Math.max(this.firstDay, this.dayOf(after) - 1); day <= this.lastDay; day++) {
      if (best !== null && day > bestDay + 1) break;
      for (const run of this.runsOf(day)) {
        if (run.instant !== null && run.instant > after && (best === null || run.instant < (best.instant as number))) {
          best = run;
          bestDay = day;
        }
      }
    }
    return best === null ? null : toOccurrence(best);
  }

  prev(before: number): Occurrence | null {
    let best: DayRun | null = null;
    let bestDay = 0;
    for (let day = Math.min(this.lastDay, this.dayOf(before) + 1); day >= this.firstDay; day--) {
      if (best !== null && day < bestDay - 1) break;
      for (const run of this.runsOf(day)) {
        if (run.instant !== null && run.instant < before && (best === null || run.instant > (best.instant as number))) {
          best = run;
          bestDay = day;
        }
      }
    }
    return best === null ? null : toOccurrence(best);
  }

  preview(count: number, after: number): Occurrence[] {
    const result: Occurrence[] = [];
    let fired = 0;
    let cursor = after;
    while (fired < count) {
      const found = this.next(cursor);
      const limit = found?.at?.getTime() ?? RANGE_END_MS;
      for (let day = this.dayOf(cursor); day <= Math.min(this.dayOf(limit), this.lastDay); day++) {
        for (const run of this.runsOf(day)) {
          if (run.instant === null && run.wall - this.zone.offsetAt(run.wall) > cursor && run.wall - this.zone.offsetAt(run.wall) <= limit) {
            result.push(toOccurrence(run));
          }
        }
      }
      if (found === null) break;
      result.push(found);
      fired++;
      cursor = limit;
    }
    return result;
  }
}

function toOccurrence(run: DayRun): Occurrence {
  return { at: run.instant === null ? null : new Date(run.instant), local: formatWall(run.wall), dst: run.dst };
}

/** The instants at which a wall time occurs in a zone (0 in a gap, 2 in an overlap), earliest first. */
export function instantsOfWall(zone: Zone, wall: number): { instants: number[]; minOffset: number } {
  if (zone.isUtc) return { instants: [wall], minOffset: 0 };
  const offsets = new Set([zone.offsetAt(wall - 30 * 3_600_000), zone.offsetAt(wall), zone.offsetAt(wall + 30 * 3_600_000)]);
  const instants: number[] = [];
  let minOffset = Infinity;
  for (const offset of offsets) {
    minOffset = Math.min(minOffset, offset);
    const instant = wall - offset;
    if (zone.offsetAt(instant) === offset && !instants.includes(instant)) instants.push(instant);
  }
  instants.sort((a, b) => a - b);
  return { instants, minOffset };
}

// ---------------------------------------------------------------------------------------------
// Public API

function toBound(value: Date | string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : parseInstant(value);
  if (ms === null || Number.isNaN(ms)) throw new ScheduleError(`schedule: ${field} must be a Date or an ISO 8601 instant`, field);
  return ms;
}

function buildSource(spec: ScheduleSpec): Source {
  switch (spec.kind) {
    case 'cron':
      return new CronSource(new Cron(spec.expression, { timezone: spec.timezone, dialect: spec.dialect, dayMatch: spec.dayMatch, dst: spec.dst }));
    case 'interval':
      return new IntervalSource(spec.startAt === undefined ? 0 : (parseInstant(spec.startAt) as number), parseDuration(spec.every) as number);
    case 'once':
      return new OnceSource(parseInstant(spec.at) as number);
    case 'calendar':
      return new CalendarSource(spec, getZone(spec.timezone));
  }
}

class BoundedSchedule implements Schedule {
  constructor(
    readonly kind: ScheduleSpec['kind'],
    private readonly source: Source,
    private readonly startAt: number | undefined,
    private readonly endAt: number | undefined,
  ) {}

  nextOccurrence(after: Date = new Date()): Occurrence | null {
    let lower = checkDate(after, 'nextOccurrence');
    if (this.startAt !== undefined) lower = Math.max(lower, this.startAt - 1);
    if (this.startAt !== undefined && this.startAt >= RANGE_END_MS) return null;
    const found = this.source.next(lower);
    if (found === null || found.at === null) return null;
    if (this.endAt !== undefined && found.at.getTime() > this.endAt) return null;
    return found;
  }

  next(after: Date = new Date()): Date | null {
    return this.nextOccurrence(after)?.at ?? null;
  }

  prev(before: Date = new Date()): Date | null {
    let upper = checkDate(before, 'prev');
    if (this.endAt !== undefined) upper = Math.min(upper, this.endAt + 1);
    if (this.endAt !== undefined && this.endAt < RANGE_START_MS) return null;
    const found = this.source.prev(upper);
    if (found === null || found.at === null) return null;
    if (this.startAt !== undefined && found.at.getTime() < this.startAt) return null;
    return found.at;
  }

  nextN(count: number, after: Date = new Date()): Date[] {
    const result: Date[] = [];
    let cursor = after;
    for (let i = 0; i < count; i++) {
      const found = this.next(cursor);
      if (found === null) break;
      result.push(found);
      cursor = found;
    }
    return result;
  }

  preview(count: number, after: Date = new Date()): Occurrence[] {
    let lower = checkDate(after, 'preview');
    if (this.startAt !== undefined) lower = Math.max(lower, this.startAt - 1);
    const end = this.endAt;
    return this.source
      .preview(count, lower)
      .filter((o) => end === undefined || o.at === null || o.at.getTime() <= end)
      .filter((o, _, all) => end === undefined || o.at !== null || all.some((x) => x.at !== null && x.local > o.local));
  }
}

function checkDate(date: Date, method: string): number {
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(ms)) throw new TypeError(`Schedule.${method}: expected a valid Date`);
  return ms;
}

/**
 * Builds the occurrence iterator for any schedule kind. Throws ScheduleError (with the dotted
 * field path) when the spec is malformed; use validateSchedule to collect every error instead.
 */
export function schedule(spec: ScheduleSpec, bounds: ScheduleBounds = {}): Schedule {
  const errors = checkSpec(spec);
  if (errors.length > 0) throw new ScheduleError(`schedule: ${errors[0].field}: ${errors[0].message}`, errors[0].field);
  const startAt = toBound(bounds.startAt, 'startAt');
  const endAt = toBound(bounds.endAt, 'endAt');
  return new BoundedSchedule(spec.kind, buildSource(spec), startAt, endAt);
}

export interface ValidateOptions extends ScheduleBounds {
  /** Reference instant for "in the past" checks and the preview; defaults to the current time. */
  now?: Date;
  /** How many upcoming occurrences to return (default 5). */
  count?: number;
}

export type ValidationResult = { ok: true; next: Date[] } | { ok: false; errors: ScheduleFieldError[] };

/**
 * Validates a stored-schedule spec: syntax, time zone, bounds, and that it will fire at least once
 * after `now`. Returns the next `count` occurrences when valid.
 */
export function validateSchedule(spec: unknown, options: ValidateOptions = {}): ValidationResult {
  const now = options.now ?? new Date();
  const count = options.count ?? 5;
  const errors = checkSpec(spec);
  let startAt: number | undefined;
  let endAt: number | undefined;
  try {
    startAt = toBound(options.startAt, 'startAt');
    endAt = toBound(options.endAt, 'endAt');
  } catch (error) {
    if (error instanceof ScheduleError) errors.push({ field: error.field, message: error.message });
    else throw error;
  }
  for (const [field, bound] of [['startAt', startAt], ['endAt', endAt]] as const) {
    if (bound !== undefined && (bound < RANGE_START_MS || bound >= RANGE_END_MS)) errors.push({ field, message: `${field} must lie in the years 1970-2199` });
  }
  if (startAt !== undefined && endAt !== undefined && endAt < startAt) errors.push({ field: 'endAt', message: 'endAt is before startAt' });
  if (errors.length > 0) return { ok: false, errors };

  const typed = spec as ScheduleSpec;
  if (typed.kind === 'once' && (parseInstant(typed.at) as number) <= now.getTime()) {
    return { ok: false, errors: [{ field: 'at', message: `${typed.at} is not in the future (now is ${now.toISOString()})` }] };
  }
  const source = buildSource(typed);
  if (typed.kind === 'cron') {
    const cron = (source as CronSource).cron;
    if (cron.isReboot) {
      return { ok: false, errors: [{ field: 'expression', message: "'@reboot' is event-based and has no times; a ZER08 schedule needs a time-based expression" }] };
    }
    if (cron.neverFires) {
      return { ok: false, errors: [{ field: 'expression', message: `'${typed.expression}' can never fire: no date in 1970-2199 matches it` }] };
    }
  }
  const iterator = new BoundedSchedule(typed.kind, source, startAt, endAt);
  const next = iterator.nextN(count, now);
  if (next.length === 0) {
    const field = typed.kind === 'cron' ? 'expression' : typed.kind === 'interval' ? 'every' : typed.kind === 'calendar' ? (typed.endDate !== undefined ? 'endDate' : 'startDate') : 'at';
    const bound = endAt !== undefined ? ` before endAt ${new Date(endAt).toISOString()}` : '';
    return { ok: false, errors: [{ field: endAt !== undefined ? 'endAt' : field, message: `the schedule has no occurrence after ${now.toISOString()}${bound}` }] };
  }
  return { ok: true, next };
}
