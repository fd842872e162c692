import { RANGE_END_MS, RANGE_START_MS, formatWall } from './civil.js';
import { describePattern } from './describe.js';
import { ScheduleError } from './errors.js';
import { NONE, WallMatcher } from './matcher.js';
import { CronDialect, DayMatch, ParsedCron, parseExpression } from './parse.js';
import { Segment, Zone, getZone } from './timezone.js';

export type GapPolicy = 'skip' | 'shift';
export type OverlapPolicy = 'first' | 'both';

export interface DstPolicy {
  /** A wall time inside a spring-forward gap: `skip` it (default) or `shift` it forward by the gap length. */
  gap?: GapPolicy;
  /** A wall time inside a fall-back overlap: fire at the `first` instant only (default) or at `both`. */
  overlap?: OverlapPolicy;
}

export interface CronOptions {
  /** IANA time zone name; UTC when omitted. */
  timezone?: string;
  dayMatch?: DayMatch;
  dialect?: CronDialect;
  dst?: DstPolicy;
}

/** How a DST change affected an occurrence. */
export type DstEffect = 'none' | 'shifted' | 'repeated' | 'skipped';

export interface Occurrence {
  /** The instant it fires; null for an occurrence a DST gap removed (only in previews). */
  at: Date | null;
  /** The wall time in the schedule's zone, `YYYY-MM-DDTHH:MM:SS`. */
  local: string;
  dst: DstEffect;
}

const TWO_DAYS = 2 * 86_400_000;

interface Candidate {
  instant: number;
  wall: number;
  dst: DstEffect;
}

/** A parsed cron expression bound to a zone and DST policy. Every search is bounded by 1970-2199. */
export class Cron {
  readonly pattern: ParsedCron;
  readonly timezone: string;
  private readonly matcher: WallMatcher;
  private readonly zone: Zone;
  private readonly shiftGaps: boolean;
  private readonly bothOverlaps: boolean;

  constructor(expression: string, options: CronOptions = {}) {
    this.pattern = parseExpression(expression, { dialect: options.dialect, dayMatch: options.dayMatch });
    this.zone = getZone(options.timezone);
    this.timezone = this.zone.name;
    this.matcher = new WallMatcher(this.pattern);
    const gap = options.dst?.gap ?? 'skip';
    const overlap = options.dst?.overlap ?? 'first';
    if (gap !== 'skip' && gap !== 'shift') throw new ScheduleError(`Cron: dst.gap must be 'skip' or 'shift'`, 'dst.gap');
    if (overlap !== 'first' && overlap !== 'both') throw new ScheduleError(`Cron: dst.overlap must be 'first' or 'both'`, 'dst.overlap');
    // An hour wildcard follows elapsed time: both passes of an overlap fire and gap times simply never occur.
    const followsElapsedTime = this.pattern.hourIsWildcard;
    this.shiftGaps = gap === 'shift' && !followsElapsedTime;
    this.bothOverlaps = overlap === 'both' || followsElapsedTime;
  }

  /** `@reboot` is event-based; it parses but has no times. */
  get isReboot(): boolean {
    return this.pattern.isReboot;
  }

  /** True when no instant in 1970-2199 matches (e.g. `0 0 30 2 *`); next/prev then return null. */
  get neverFires(): boolean {
    return this.matcher.neverFires;
  }

  /** First occurrence strictly after `after`, or null. */
  next(after: Date = new Date()): Date | null {
    const found = this.nextCandidate(toMs(after, 'next'));
    return found === null ? null : new Date(found.instant);
  }

  /** Last occurrence strictly before `before`, or null. */
  prev(before: Date = new Date()): Date | null {
    const found = this.prevCandidate(toMs(before, 'prev'));
    return found === null ? null : new Date(found.instant);
  }

  nextN(count: number, after: Date = new Date()): Date[] {
    const result: Date[] = [];
    let cursor = toMs(after, 'nextN');
    for (let i = 0; i < count; i++) {
      const found = this.nextCandidate(cursor);
      if (found === null) break;
      result.push(new Date(found.instant));
      cursor = found.instant;
    }
    return result;
  }

  /** The next occurrence with its wall time and DST effect. */
  nextOccurrence(after: Date = new Date()): Occurrence | null {
    const found = this.nextCandidate(toMs(after, 'nextOccurrence'));
    return found === null ? null : { at: new Date(found.instant), local: formatWall(found.wall), dst: found.dst };
  }

  prevOccurrence(before: Date = new Date()): Occurrence | null {
    const found = this.prevCandidate(toMs(before, 'prevOccurrence'));
    return found === null ? null : { at: new Date(found.instant), local: formatWall(found.wall), dst: found.dst };
  }

  /**
   * The next `count` occurrences, plus entries (at: null, dst: 'skipped') for wall times a DST gap
   * removed between them, so a preview can show what a DST change did.
   */
  preview(count: number, after: Date = new Date()): Occurrence[] {
    const result: Occurrence[] = [];
    let cursor = toMs(after, 'preview');
    let fired = 0;
    while (fired < count) {
      const found = this.nextCandidate(cursor);
      const limit = found === null ? RANGE_END_MS : found.instant;
      if (!this.shiftGaps && !this.pattern.hourIsWildcard && !this.zone.isUtc) {
        for (const skipped of this.skippedBetween(cursor, limit)) {
          if (result.length >= count * 2) break;
          result.push({ at: null, local: formatWall(skipped), dst: 'skipped' });
        }
      }
      if (found === null) break;
      result.push({ at: new Date(found.instant), local: formatWall(found.wall), dst: found.dst });
      fired++;
      cursor = found.instant;
    }
    return result;
  }

  /** Whether `date` is an occurrence (a whole second the iterator would return). */
  matches(date: Date): boolean {
    const instant = toMs(date, 'matches');
    if (instant % 1000 !== 0 || this.matcher.neverFires) return false;
    const segment = this.zone.segmentAt(instant);
    const wall = instant + segment.offset;
    if (this.matcher.matches(wall)) {
      const start = segment.start;
      const repeated = start.before > start.after && wall < start.at + start.before;
      if (!repeated || this.bothOverlaps) return true;
    }
    if (this.shiftGaps) {
      const start = segment.start;
      const gap = start.after - start.before;
      if (gap > 0 && instant < start.at + gap) return this.matcher.matches(instant + start.before);
    }
    return false;
  }

  private rejectReboot(): void {
    if (this.pattern.isReboot) {
      throw new ScheduleError('Cron: @reboot is not supported here: it is event-based (run at startup) and has no times to iterate', 'expression');
    }
  }

  describe(): string {
    return describePattern(this.pattern);
  }

  toString(): string {
    return this.pattern.source;
  }

  private nextCandidate(after: number): Candidate | null {
    this.rejectReboot();
    if (this.matcher.neverFires || after >= RANGE_END_MS) return null;
    if (this.zone.isUtc) {
      const wall = this.matcher.next(after);
      return wall === NONE ? null : { instant: wall, wall, dst: 'none' };
    }
    let segment = this.zone.segmentAt(after);
    let lower = after;
    for (;;) {
      const found = this.nextInSegment(segment, lower);
      if (found !== null) return found;
      if (segment.end.at >= RANGE_END_MS + TWO_DAYS) return null;
      // Offsets differ by at most 26 h, so no later instant can beat the next matching wall minus two days.
      const hint = this.matcher.next(lower + segment.offset - TWO_DAYS);
      if (hint === NONE) return null;
      const jump = hint - segment.offset - TWO_DAYS;
      if (jump > segment.end.at) {
        lower = jump;
        segment = this.zone.segmentAt(jump);
      } else {
        lower = segment.end.at - 1;
        segment = this.zone.segmentAfter(segment);
      }
    }
  }

  /** Earliest candidate instant > lower within the segment (including gap times shifted into it). */
  private nextInSegment(segment: Segment, lower: number): Candidate | null {
    const offset = segment.offset;
    const start = segment.start;
    let wall = this.matcher.next(lower + offset);
    if (wall !== NONE && !this.bothOverlaps && start.before > start.after && wall < start.at + start.before) {
      // Wall times repeated after a fall-back already fired in the first pass.
      wall = this.matcher.next(Math.max(lower + offset, start.at + start.before - 1000));
    }
    let best: Candidate | null = null;
    if (wall !== NONE && wall - offset < segment.end.at) {
      const repeated = start.before > start.after && wall < start.at + start.before;
      best = { instant: wall - offset, wall, dst: repeated ? 'repeated' : 'none' };
    }
    if (this.shiftGaps && start.after > start.before) {
      const gapStartWall = start.at + start.before;
      const gapEndWall = start.at + start.after;
      const gapWall = this.matcher.next(Math.max(lower + start.before, gapStartWall - 1000));
      if (gapWall !== NONE && gapWall < gapEndWall) {
        const instant = gapWall - start.before;
        if (best === null || instant < best.instant) best = { instant, wall: gapWall, dst: 'shifted' };
      }
    }
    return best;
  }

  private prevCandidate(before: number): Candidate | null {
    this.rejectReboot();
    if (this.matcher.neverFires || before <= RANGE_START_MS - TWO_DAYS) return null;
    if (this.zone.isUtc) {
      const wall = this.matcher.prev(before);
      return wall === NONE ? null : { instant: wall, wall, dst: 'none' };
    }
    let segment = this.zone.segmentAt(before - 1);
    let upper = before;
    for (;;) {
      const found = this.prevInSegment(segment, upper);
      if (found !== null) return found;
      if (segment.start.at <= RANGE_START_MS - TWO_DAYS) return null;
      const hint = this.matcher.prev(upper + segment.offset + TWO_DAYS);
      if (hint === NONE) return null;
      const jump = hint - segment.offset + TWO_DAYS;
      if (jump < segment.start.at) {
        upper = jump;
        segment = this.zone.segmentAt(jump - 1);
      } else {
        upper = segment.start.at;
        segment = this.zone.segmentBefore(segment);
      }
    }
  }

  /** Latest candidate instant < upper within the segment. */
  private prevInSegment(segment: Segment, upper: number): Candidate | null {
    const offset = segment.offset;
    const start = segment.start;
    let wall = this.matcher.prev(upper + offset);
    const repeatedEnd = start.at + start.before;
    if (wall !== NONE && !this.bothOverlaps && start.before > start.after && wall < repeatedEnd) {
      wall = NONE;
    }
    let best: Candidate | null = null;
    if (wall !== NONE && wall - offset >= start.at) {
      const repeated = start.before > start.after && wall < repeatedEnd;
      best = { instant: wall - offset, wall, dst: repeated ? 'repeated' : 'none' };
    }
    if (this.shiftGaps && start.after > start.before) {
      const gapStartWall = start.at + start.before;
      const gapEndWall = start.at + start.after;
      const gapWall = this.matcher.prev(Math.min(upper + start.before, gapEndWall));
      if (gapWall !== NONE && gapWall >= gapStartWall) {
        const instant = gapWall - start.before;
        if (best === null || instant > best.instant) best = { instant, wall: gapWall, dst: 'shifted' };
      }
    }
    return best;
  }

  /** Matching wall times that fell into DST gaps crossed in (from, to]. */
  private skippedBetween(from: number, to: number): number[] {
    const skipped: number[] = [];
    let segment = this.zone.segmentAt(from);
    while (segment.end.at <= to && segment.end.at < RANGE_END_MS) {
      const t = segment.end;
      if (t.after > t.before) {
        let wall = this.matcher.next(t.at + t.before - 1000);
        while (wall !== NONE && wall < t.at + t.after && skipped.length < 100) {
          skipped.push(wall);
          wall = this.matcher.next(wall);
        }
      }
      segment = this.zone.segmentAfter(segment);
    }
    return skipped;
  }
}

const QUERY_START_MS = RANGE_START_MS - 86_400_000;
const QUERY_END_MS = RANGE_END_MS + 86_400_000;

/** OCPS 1.4 §4.3.2: asking for occurrences from outside the documented range fails with a RangeError. */
function toMs(date: Date, method: string): number {
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(ms)) throw new TypeError(`Cron.${method}: expected a valid Date`);
  if (method !== 'matches' && (ms < QUERY_START_MS || ms > QUERY_END_MS)) {
    throw new RangeError(`Cron.${method}: ${date.toISOString()} is outside the supported range 1970-2199`);
  }
  return ms;
}

/** Parses a cron expression (OCPS 1.0-1.4 by default). Throws CronSyntaxError on bad syntax. */
export function parseCron(expression: string, options: CronOptions = {}): Cron {
  return new Cron(expression, options);
}
