import { MS_PER_DAY, wallMs } from './civil.js';

/** A change of UTC offset: at `at` (epoch ms) the offset goes from `before` to `after` (ms, wall = utc + offset). */
export interface Transition {
  at: number;
  before: number;
  after: number;
}

/**
 * A span of constant offset. `start`/`end` are transitions bounding it; either may be synthetic
 * (before === after) when no real change happens within two years, which keeps lookups short
 * for zones without DST.
 */
export interface Segment {
  offset: number;
  start: Transition;
  end: Transition;
}

export interface Zone {
  readonly name: string;
  readonly isUtc: boolean;
  offsetAt(instant: number): number;
  segmentAt(instant: number): Segment;
  segmentAfter(segment: Segment): Segment;
  segmentBefore(segment: Segment): Segment;
}

const UTC_TRANSITION_START: Transition = { at: -8.64e15, before: 0, after: 0 };
const UTC_TRANSITION_END: Transition = { at: 8.64e15, before: 0, after: 0 };
const UTC_SEGMENT: Segment = { offset: 0, start: UTC_TRANSITION_START, end: UTC_TRANSITION_END };

export const UTC_ZONE: Zone = {
  name: 'UTC',
  isUtc: true,
  offsetAt: () => 0,
  segmentAt: () => UTC_SEGMENT,
  segmentAfter: () => UTC_SEGMENT,
  segmentBefore: () => UTC_SEGMENT,
};

interface YearRecord {
  startOffset: number;
  transitions: Transition[];
}

const DIGITS = /(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)/;

class IntlZone implements Zone {
  readonly isUtc = false;
  private readonly formatter: Intl.DateTimeFormat;
  private readonly years = new Map<number, YearRecord>();

  constructor(readonly name: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Asks Intl directly; instant must be a whole second. */
  private probe(instant: number): number {
    const match = DIGITS.exec(this.formatter.format(instant));
    if (match === null) throw new Error(`TimeZone: cannot read wall time of ${this.name}`);
    const wall = wallMs(+match[3], +match[1], +match[2], +match[4] % 24, +match[5], +match[6]);
    return wall - instant;
  }

  private year(year: number): YearRecord {
    let record = this.years.get(year);
    if (record !== undefined) return record;
    // Probing once a UTC day finds every change; no zone has changed offset twice within a day since 1970.
    const from = wallMs(year, 1, 1, 0, 0, 0);
    const to = wallMs(year + 1, 1, 1, 0, 0, 0);
    const transitions: Transition[] = [];
    const startOffset = this.probe(from);
    let previousAt = from;
    let previousOffset = startOffset;
    for (let at = from + MS_PER_DAY; at <= to; at += MS_PER_DAY) {
      const offset = this.probe(at);
      if (offset !== previousOffset) {
        let lo = previousAt;
        let hi = at;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.probe(mid) === previousOffset) lo = mid;
          else hi = mid;
        }
        if (hi <= to) transitions.push({ at: hi, before: previousOffset, after: offset });
        previousOffset = offset;
      }
      previousAt = at;
    }
    record = { startOffset, transitions };
    this.years.set(year, record);
    return record;
  }

  offsetAt(instant: number): number {
    const year = new Date(instant).getUTCFullYear();
    const record = this.year(year);
    let offset = record.startOffset;
    for (const t of record.transitions) {
      if (t.at <= instant) offset = t.after;
      else break;
    }
    return offset;
  }

  private lastTransitionAtOrBefore(instant: number): Transition {
    const year = new Date(instant).getUTCFullYear();
    for (let y = year; y >= year - 1; y--) {
      const list = this.year(y).transitions;
      for (let i = list.length - 1; i >= 0; i--) if (list[i].at <= instant) return list[i];
    }
    const offset = this.year(year - 1).startOffset;
    return { at: wallMs(year - 1, 1, 1, 0, 0, 0), before: offset, after: offset };
  }

  private firstTransitionAfter(instant: number): Transition {
    const year = new Date(instant).getUTCFullYear();
    for (let y = year; y <= year + 1; y++) {
      for (const t of this.year(y).transitions) if (t.at > instant) return t;
    }
    const offset = this.year(year + 2).startOffset;
    return { at: wallMs(year + 2, 1, 1, 0, 0, 0), before: offset, after: offset };
  }

  segmentAt(instant: number): Segment {
    const start = this.lastTransitionAtOrBefore(instant);
    const end = this.firstTransitionAfter(instant);
    return { offset: start.after, start, end };
  }

  segmentAfter(segment: Segment): Segment {
    return { offset: segment.end.after, start: segment.end, end: this.firstTransitionAfter(segment.end.at) };
  }

  segmentBefore(segment: Segment): Segment {
    const start = this.lastTransitionAtOrBefore(segment.start.at - 1);
    return { offset: segment.start.before, start, end: segment.start };
  }
}

const zones = new Map<string, Zone>();

/** Returns the zone for an IANA name, or throws a RangeError naming it. Zones are cached. */
export function getZone(name: string | undefined): Zone {
  if (name === undefined || name === 'UTC' || name === 'Etc/UTC') return UTC_ZONE;
  let zone = zones.get(name);
  if (zone === undefined) {
    try {
      zone = new IntlZone(name);
    } catch {
      throw new RangeError(`TimeZone: unknown time zone '${name}'`);
    }
    zones.set(name, zone);
  }
  return zone;
}

export function isValidTimeZone(name: string): boolean {
  try {
    getZone(name);
    return true;
  } catch {
    return false;
  }
}
