import { MAX_YEAR, MIN_YEAR, daysInMonth, daysFromCivil, wallFields, wallMs, weekdayOfDays } from './civil.js';
import { ParsedCron, ParsedField } from './parse.js';

export const NONE = -1;

/**
 * Lookup tables for the wall-clock search. `next[v]` is the smallest allowed value >= v (NONE if
 * none); `prev[v]` the largest allowed value <= v. One slot past the field maximum holds NONE so
 * carries need no bounds checks.
 */
interface FieldTable {
  next: Int16Array;
  prev: Int16Array;
}

function tableFor(allowed: Uint8Array, min: number, max: number): FieldTable {
  const next = new Int16Array(max + 2).fill(NONE);
  const prev = new Int16Array(max + 2).fill(NONE);
  let carry = NONE;
  for (let v = max; v >= min; v--) {
    if (allowed[v]) carry = v;
    next[v] = carry;
  }
  for (let v = 0; v < min; v++) next[v] = next[min];
  carry = NONE;
  for (let v = min; v <= max + 1; v++) {
    if (v <= max && allowed[v]) carry = v;
    prev[v] = carry;
  }
  return { next, prev };
}

const COMPUTED = 1; // bit 0 of a cached day mask; days use bits 1-31

/**
 * A compiled cron pattern that searches wall-clock time (zone-less) field by field.
 * All wall times are "wall milliseconds": the epoch value the wall time would have in UTC.
 */
export class WallMatcher {
  private readonly seconds: FieldTable;
  private readonly minutes: FieldTable;
  private readonly hours: FieldTable;
  private readonly months: FieldTable;
  private readonly years: FieldTable;
  private readonly dayMasks: Int32Array;
  /** Day-of-month bits from plain values, ranges and steps. */
  private readonly plainDays: number;
  /** Weekday bits per weekday-of-the-1st (0-6): which days of a month fall on an allowed weekday. */
  private readonly weekdayDays: Int32Array;
  private readonly hasDayOfMonthSpecials: boolean;
  private readonly hasDayOfWeekSpecials: boolean;
  readonly neverFires: boolean;

  constructor(private readonly pattern: ParsedCron) {
    this.seconds = tableFor(pattern.second.allowed, 0, 59);
    this.minutes = tableFor(pattern.minute.allowed, 0, 59);
    this.hours = tableFor(pattern.hour.allowed, 0, 23);
    this.months = tableFor(pattern.month.allowed, 1, 12);
    this.years = tableFor(pattern.year.allowed, MIN_YEAR, MAX_YEAR);
    this.dayMasks = new Int32Array((MAX_YEAR - MIN_YEAR + 1) * 13);
    let plain = 0;
    for (let d = 1; d <= 31; d++) if (pattern.dayOfMonth.allowed[d]) plain |= 1 << d;
    this.plainDays = plain;
    this.weekdayDays = new Int32Array(7);
    for (let first = 0; first < 7; first++) {
      let bits = 0;
      for (let d = 1; d <= 31; d++) if (pattern.dayOfWeek.allowed[(first + d - 1) % 7]) bits |= 1 << d;
      this.weekdayDays[first] = bits;
    }
    this.hasDayOfMonthSpecials = hasSpecials(pattern.dayOfMonth);
    this.hasDayOfWeekSpecials = hasSpecials(pattern.dayOfWeek);
    this.neverFires = pattern.isReboot || this.findFirstYearMonth() === null;
  }

  private findFirstYearMonth(): [number, number] | null {
    for (let y = this.years.next[MIN_YEAR]; y !== NONE; y = this.years.next[y + 1]) {
      for (let m = this.months.next[1]; m !== NONE; m = this.months.next[m + 1]) {
        if (this.dayMask(y, m) !== 0) return [y, m];
      }
    }
    return null;
  }

  /** Bits 1..31 set for the days of (year, month) the day fields accept. */
  dayMask(year: number, month: number): number {
    const index = (year - MIN_YEAR) * 13 + month;
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
    let t = Math.floor(after / 1000) + 1;
    const days = Math.floor(t / 86400);
    let secondOfDay = t - days * 86400;
    let h = Math.floor(secondOfDay / 3600);
    secondOfDay -= h * 3600;
    let m = Math.floor(secondOfDay / 60);
    let s = secondOfDay - m * 60;
    const start = wallFields(days * 86_400_000);
    let year = start.year;
    let month = start.month;
    let day = start.day;
    if (year < MIN_YEAR) {
      year = MIN_YEAR;
      month = 1;
      day = 1;
      h = m = s = 0;
    }
    const years = this.years.next;
    const months = this.months.next;
    const hours = this.hours.next;
    const minutes = this.minutes.next;
    const seconds = this.seconds.next;
    for (;;) {
      if (year > MAX_YEAR) return NONE;
      const y = years[year];
      if (y === NONE) return NONE;
      if (y !== year) {
        year = y;
        month = 1;
        day = 1;
        h = m = s = 0;
      }
      const mo = months[month];
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
      const hh = hours[h];
      if (hh === NONE) {
        day++;
        h = m = s = 0;
        continue;
      }
      if (hh !== h) {
        h = hh;
        m = s = 0;
      }
      const mm = minutes[m];
      if (mm === NONE) {
        h++;
        m = s = 0;
        continue;
      }
      if (mm !== m) {
        m = mm;
        s = 0;
      }
      const ss = seconds[s];
      if (ss === NONE) {
        m++;
        s = 0;
        continue;
      }
      t = ss;
      return wallMs(year, month, day, h, m, t);
    }
  }

  /** Largest matching wall time strictly before `before` (wall ms), or NONE. */
  prev(before: number): number {
    const t = Math.ceil(before / 1000) - 1;
    const days = Math.floor(t / 86400);
    let secondOfDay = t - days * 86400;
    let h = Math.floor(secondOfDay / 3600);
    secondOfDay -= h * 3600;
    let m = Math.floor(secondOfDay / 60);
    let s = secondOfDay - m * 60;
    const start = wallFields(days * 86_400_000);
    let year = start.year;
    let month = start.month;
    let day = start.day;
    if (year > MAX_YEAR) {
      year = MAX_YEAR;
      month = 12;
      day = 31;
      h = 23;
      m = s = 59;
    }
    const years = this.years.prev;
    const months = this.months.prev;
    const hours = this.hours.prev;
    const minutes = this.minutes.prev;
    const seconds = this.seconds.prev;
    for (;;) {
      if (year < MIN_YEAR) return NONE;
      const y = years[year];
      if (y === NONE) return NONE;
      if (y !== year) {
        year = y;
        month = 12;
        day = 31;
        h = 23;
        m = s = 59;
      }
      const mo = month < 1 ? NONE : months[month];
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
      const hh = h < 0 ? NONE : hours[h];
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
      const mm = m < 0 ? NONE : minutes[m];
      if (mm === NONE) {
        h--;
        m = s = 59;
        continue;
      }
      if (mm !== m) {
        m = mm;
        s = 59;
      }
      const ss = s < 0 ? NONE : seconds[s];
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
