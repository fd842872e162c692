import { MAX_YEAR, MIN_YEAR, daysInMonth, daysFromCivil, wallFields, wallMs, weekdayOfDays } from './civil.js';
import { EVERY_YEAR, ParsedCron, ParsedField } from './parse.js';

export const NONE = -1;

/**
 * Lookup tables for the wall-clock search, all in one Int16Array (one allocation per parse).
 * For a field stored at `base`, entry base + (v - min) of the "next" table is the smallest allowed
 * value >= v (NONE if none); the "prev" table holds the largest allowed value <= v. One slot past the
 * field maximum holds NONE in "next" so carries need no bounds checks.
 */
const SECOND_NEXT = 0;
const SECOND_PREV = 61;
const MINUTE_NEXT = 122;
const MINUTE_PREV = 183;
const HOUR_NEXT = 244;
const HOUR_PREV = 269;
const MONTH_NEXT = 294;
const MONTH_PREV = 307;
const TABLE_SIZE = 320;
// Years live in their own table so the common `*` year can share one prebuilt table.
const YEAR_NEXT = 0;
const YEAR_PREV = MAX_YEAR - MIN_YEAR + 2;
const YEAR_TABLE_SIZE = 2 * (MAX_YEAR - MIN_YEAR + 2);

function fillTable(table: Int16Array, nextBase: number, prevBase: number, allowed: Uint8Array, min: number, max: number): void {
  const last = max - min + 1;
  table[nextBase + last] = NONE;
  let carry = NONE;
  for (let v = max; v >= min; v--) {
    if (allowed[v]) carry = v;
    table[nextBase + v - min] = carry;
  }
  carry = NONE;
  for (let v = min; v <= max; v++) {
    if (allowed[v]) carry = v;
    table[prevBase + v - min] = carry;
  }
  table[prevBase + last] = carry;
}

function yearTableFor(allowed: Uint8Array): Int16Array {
  const table = new Int16Array(YEAR_TABLE_SIZE);
  fillTable(table, YEAR_NEXT, YEAR_PREV, allowed, MIN_YEAR, MAX_YEAR);
  return table;
}

let sharedEveryYearTable: Int16Array | null = null;

function everyYearTable(): Int16Array {
  if (sharedEveryYearTable === null) sharedEveryYearTable = yearTableFor(EVERY_YEAR.allowed);
  return sharedEveryYearTable;
}

const COMPUTED = 1; // bit 0 of a cached day mask; days use bits 1-31

/**
 * A compiled cron pattern that searches wall-clock time (zone-less) field by field.
 * All wall times are "wall milliseconds": the epoch value the wall time would have in UTC.
 */
export class WallMatcher {
  private readonly table = new Int16Array(TABLE_SIZE);
  private readonly yearTable: Int16Array;
  /** Lazily allocated: most parses never search, and allocation dominates parse time. */
  private dayMasks: Int32Array | null = null;
  private neverFiresCache: boolean | null = null;
  /** Day-of-month bits from plain values, ranges and steps. */
  private readonly plainDays: number;
  /** Weekday bits per weekday-of-the-1st (0-6): which days of a month fall on an allowed weekday. */
  private weekdayDays: number[] | null = null;
  private readonly hasDayOfMonthSpecials: boolean;
  private readonly hasDayOfWeekSpecials: boolean;

  constructor(private readonly pattern: ParsedCron) {
    const t = this.table;
    fillTable(t, SECOND_NEXT, SECOND_PREV, pattern.second.allowed, 0, 59);
    fillTable(t, MINUTE_NEXT, MINUTE_PREV, pattern.minute.allowed, 0, 59);
    fillTable(t, HOUR_NEXT, HOUR_PREV, pattern.hour.allowed, 0, 23);
    fillTable(t, MONTH_NEXT, MONTH_PREV, pattern.month.allowed, 1, 12);
    this.yearTable = pattern.year === EVERY_YEAR ? everyYearTable() : yearTableFor(pattern.year.allowed);
    let plain = 0;
    for (let d = 1; d <= 31; d++) if (pattern.dayOfMonth.allowed[d]) plain |= 1 << d;
    this.plainDays = plain;
    this.hasDayOfMonthSpecials = hasSpecials(pattern.dayOfMonth);
    this.hasDayOfWeekSpecials = hasSpecials(pattern.dayOfWeek);
  }

  /** True when no date in the year range matches (e.g. February 30th), or for @reboot. */
  get neverFires(): boolean {
    if (this.neverFiresCache === null) this.neverFiresCache = this.pattern.isReboot || this.findFirstYearMonth() === null;
    return this.neverFiresCache;
  }

  private findFirstYearMonth(): [number, number] | null {
    for (let y = this.yearTable[YEAR_NEXT]; y !== NONE; y = this.yearTable[YEAR_NEXT + y + 1 - MIN_YEAR]) {
      for (let m = this.table[MONTH_NEXT]; m !== NONE; m = this.table[MONTH_NEXT + m]) {
        if (this.dayMask(y, m) !== 0) return [y, m];
      }
    }
    return null;
  }

  /** Bits 1..31 set for the days of (year, month) the day fields accept. */
  dayMask(year: number, month: number): number {
    const index = (year - MIN_YEAR) * 13 + month;
    if (this.dayMasks === null) this.dayMasks = new Int32Array((MAX_YEAR - MIN_YEAR + 1) * 13);
    const cached = this.dayMasks[index];
    if (cached !== 0) return cached & ~COMPUTED;
    const mask = this.computeDayMask(year, month);
    this.dayMasks[index] = mask | COMPUTED;
    return mask;
  }

  private computeDayMask(year: number, month: number): number {
    const p = this.pattern;
    const length = daysInMonth(year, month);
    const valid = length === 31 ? ~1 & ~0 : ((1 << (length + 1)) - 1) & ~1;
    const firstWeekday = weekdayOfDays(daysFromCivil(year, month, 1));
    let dom = this.plainDays;
    if (this.hasDayOfMonthSpecials) {
      for (const part of p.dayOfMonth.parts) {
        if (part.kind === 'last') dom |= 1 << length;
        else if (part.kind === 'lastWeekday') dom |= 1 << lastWeekdayOfMonth(length, firstWeekday);
        else if (part.kind === 'nearestWeekday') {
          const day = nearestWeekday(part.day, length, firstWeekday);
          if (day > 0) dom |= 1 << day;
        }
      }
    }
    if (this.weekdayDays === null) {
      const days: number[] = [];
      for (let first = 0; first < 7; first++) {
        let bits = 0;
        for (let d = 1; d <= 31; d++) if (p.dayOfWeek.allowed[(first + d - 1) % 7]) bits |= 1 << d;
        days.push(bits);
      }
      this.weekdayDays = days;
    }
    let dow = this.weekdayDays[firstWeekday];
    if (this.hasDayOfWeekSpecials) {
      for (const part of p.dayOfWeek.parts) {
        if (part.kind === 'nthWeekday') {
          const day = 1 + ((part.weekday - firstWeekday + 7) % 7) + 7 * (part.nth - 1);
          if (day <= length) dow |= 1 << day;
        } else if (part.kind === 'lastOfWeekday') {
          const lastWeekday = (firstWeekday + length - 1) % 7;
          dow |= 1 << (length - ((lastWeekday - part.weekday + 7) % 7));
        }
      }
    }
    dom &= valid;
    dow &= valid;
    const useOr = !p.dayMatchAnd && p.dayOfMonthRestricted && p.dayOfWeekRestricted;
    return useOr ? dom | dow : dom & dow;
  }

  /** Smallest matching wall time strictly after `after` (wall ms), or NONE. */
  next(after: number): number {
    const start = Math.floor(after / 1000) + 1;
    const days = Math.floor(start / 86400);
    let secondOfDay = start - days * 86400;
    let h = Math.floor(secondOfDay / 3600);
    secondOfDay -= h * 3600;
    let m = Math.floor(secondOfDay / 60);
    let s = secondOfDay - m * 60;
    const date = wallFields(days * 86_400_000);
    let year = date.year;
    let month = date.month;
    let day = date.day;
    if (year < MIN_YEAR) {
      year = MIN_YEAR;
      month = 1;
      day = 1;
      h = m = s = 0;
    }
    const t = this.table;
    for (;;) {
      if (year > MAX_YEAR) return NONE;
      const y = this.yearTable[YEAR_NEXT + year - MIN_YEAR];
      if (y === NONE) return NONE;
      if (y !== year) {
        year = y;
        month = 1;
        day = 1;
        h = m = s = 0;
      }
      const mo = t[MONTH_NEXT + month - 1];
      if (mo === NONE) {
        year++;
        month = 1;
        day = 1;
        h = m = s = 0;
        continue;
      }
      if (mo !== month) {
        month = mo;
        day = 1;
        h = m = s = 0;
      }
      const rest = day > 31 ? 0 : this.dayMask(year, month) & (~0 << day);
      if (rest === 0) {
        month++;
        day = 1;
        h = m = s = 0;
        continue;
      }
      const d = 31 - Math.clz32(rest & -rest);
      if (d !== day) {
        day = d;
        h = m = s = 0;
      }
      const hh = t[HOUR_NEXT + h];
      if (hh === NONE) {
        day++;
        h = m = s = 0;
        continue;
      }
      if (hh !== h) {
        h = hh;
        m = s = 0;
      }
      const mm = t[MINUTE_NEXT + m];
      if (mm === NONE) {
        h++;
        m = s = 0;
        continue;
      }
      if (mm !== m) {
        m = mm;
        s = 0;
      }
      const ss = t[SECOND_NEXT + s];
      if (ss === NONE) {
        m++;
        s = 0;
        continue;
      }
      return wallMs(year, month, day, h, m, ss);
    }
  }

  /** Largest matching wall time strictly before `before` (wall ms), or NONE. */
  prev(before: number): number {
    const last = Math.ceil(before / 1000) - 1;
    const days = Math.floor(last / 86400);
    let secondOfDay = last - days * 86400;
    let h = Math.floor(secondOfDay / 3600);
    secondOfDay -= h * 3600;
    let m = Math.floor(secondOfDay / 60);
    let s = secondOfDay - m * 60;
    const date = wallFields(days * 86_400_000);
    let year = date.year;
    let month = date.month;
    let day = date.day;
    if (year > MAX_YEAR) {
      year = MAX_YEAR;
      month = 12;
      day = 31;
      h = 23;
      m = s = 59;
    }
    const t = this.table;
    for (;;) {
      if (year < MIN_YEAR) return NONE;
      const y = this.yearTable[YEAR_PREV + year - MIN_YEAR];
      if (y === NONE) return NONE;
      if (y !== year) {
        year = y;
        month = 12;
        day = 31;
        h = 23;
        m = s = 59;
      }
      const mo = month < 1 ? NONE : t[MONTH_PREV + month - 1];
      if (mo === NONE) {
        year--;
        month = 12;
        day = 31;
        h = 23;
        m = s = 59;
        continue;
      }
      if (mo !== month) {
        month = mo;
        day = 31;
        h = 23;
        m = s = 59;
      }
      const rest = day < 1 ? 0 : this.dayMask(year, month) & ((2 << day) - 1);
      if (rest === 0) {
        month--;
        day = 31;
        h = 23;
        m = s = 59;
        continue;
      }
      const d = 31 - Math.clz32(rest);
      if (d !== day) {
        day = d;
        h = 23;
        m = s = 59;
      }
      const hh = h < 0 ? NONE : t[HOUR_PREV + h];
      if (hh === NONE) {
        day--;
        h = 23;
        m = s = 59;
        continue;
      }
      if (hh !== h) {
        h = hh;
        m = s = 59;
      }
      const mm = m < 0 ? NONE : t[MINUTE_PREV + m];
      if (mm === NONE) {
        h--;
        m = s = 59;
        continue;
      }
      if (mm !== m) {
        m = mm;
        s = 59;
      }
      const ss = s < 0 ? NONE : t[SECOND_PREV + s];
      if (ss === NONE) {
        m--;
        s = 59;
        continue;
      }
      return wallMs(year, month, day, h, m, ss);
    }
  }

  /** Whether a wall time (whole second) matches every field. */
  matches(wall: number): boolean {
    if (wall % 1000 !== 0) return false;
    const f = wallFields(wall);
    if (f.year < MIN_YEAR || f.year > MAX_YEAR) return false;
    const p = this.pattern;
    return (
      p.year.allowed[f.year] === 1 &&
      p.month.allowed[f.month] === 1 &&
      (this.dayMask(f.year, f.month) & (1 << f.day)) !== 0 &&
      p.hour.allowed[f.hour] === 1 &&
      p.minute.allowed[f.minute] === 1 &&
      p.second.allowed[f.second] === 1
    );
  }
}

function hasSpecials(field: ParsedField): boolean {
  return field.parts.some((p) => p.kind !== 'all' && p.kind !== 'value' && p.kind !== 'range');
}

function lastWeekdayOfMonth(length: number, firstWeekday: number): number {
  const weekday = (firstWeekday + length - 1) % 7;
  if (weekday === 6) return length - 1;
  if (weekday === 0) return length - 2;
  return length;
}

/** OCPS 1.3 §4.3: nearest Monday-Friday to `day`, never leaving the month; 0 if the day does not exist. */
function nearestWeekday(day: number, length: number, firstWeekday: number): number {
  if (day > length) return 0;
  const weekday = (firstWeekday + day - 1) % 7;
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === length ? day - 2 : day + 1;
  return day;
}
