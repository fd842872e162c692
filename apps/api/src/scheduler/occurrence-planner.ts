import { schedule, Schedule, ScheduleSpec } from '@zer08/cron';

export type MisfirePolicy = 'fire_once' | 'skip' | 'catch_up';

export interface DueJob {
  nextRunAt: Date;
  misfire: MisfirePolicy;
  catchUpLimit: number;
}

export interface OccurrencePlan {
  /** Occurrences to create executions for, oldest first. */
  occurrences: Date[];
  /** The job's new next_run_at; null when the schedule has no more occurrences. */
  nextRunAt: Date | null;
  /** True when the oldest due occurrence was older than the tolerance (downtime, long pause). */
  misfired: boolean;
  /** Set by the caller when the engine refused the job's schedule. */
  unusable?: boolean;
}

/** On time, a job is rarely more than a tick behind; this only bounds a pathological loop. */
const MAX_ON_TIME_OCCURRENCES = 1_000;

/**
 * Decides what to fire for one due job at database time `now`.
 *
 * On time (the oldest due occurrence is at most `toleranceMs` old): every occurrence up to
 * `now` fires. Misfire (older than that, i.e. after downtime): `fire_once` creates one
 * execution for the latest due occurrence, `skip` creates none, `catch_up` creates one per
 * due occurrence, the most recent `catchUpLimit` of them. Either way next_run_at moves to
 * the first occurrence after `now`.
 */
export function planOccurrences(job: DueJob, iterator: Schedule, now: Date, toleranceMs: number): OccurrencePlan {
  const nowMs = now.getTime();
  const misfired = nowMs - job.nextRunAt.getTime() > toleranceMs;
  if (!misfired) {
    const occurrences = [job.nextRunAt];
    let next = iterator.next(job.nextRunAt);
    while (next !== null && next.getTime() <= nowMs && occurrences.length < MAX_ON_TIME_OCCURRENCES) {
      occurrences.push(next);
      next = iterator.next(next);
    }
    return { occurrences, nextRunAt: next, misfired };
  }

  const nextRunAt = iterator.next(now);
  const latestDue = (): Date => {
    const latest = iterator.prev(new Date(nowMs + 1));
    return latest !== null && latest.getTime() >= job.nextRunAt.getTime() ? latest : job.nextRunAt;
  };
  switch (job.misfire) {
    case 'skip':
      return { occurrences: [], nextRunAt, misfired };
    case 'catch_up': {
      const newestFirst: Date[] = [];
      let cursor: Date | null = latestDue();
      while (cursor !== null && cursor.getTime() >= job.nextRunAt.getTime() && newestFirst.length < job.catchUpLimit) {
        newestFirst.push(cursor);
        cursor = iterator.prev(cursor);
      }
      return { occurrences: newestFirst.reverse(), nextRunAt, misfired };
    }
    case 'fire_once':
    default:
      return { occurrences: [latestDue()], nextRunAt, misfired };
  }
}

export interface JobScheduleRow {
  id: string;
  schedule: ScheduleSpec;
  timezone: string | null;
  startAt: Date | null;
  endAt: Date | null;
}

/**
 * Parsing a schedule is the costly part of planning; on the hot path the same jobs come
 * back every second, so iterators are cached by their exact definition.
 */
export class ScheduleCache {
  private readonly cache = new Map<string, { key: string; iterator: Schedule }>();

  constructor(private readonly capacity = 50_000) {}

  iteratorFor(job: JobScheduleRow): Schedule {
    const key = `${JSON.stringify(job.schedule)}|${job.timezone ?? ''}|${job.startAt?.getTime() ?? ''}|${job.endAt?.getTime() ?? ''}`;
    const cached = this.cache.get(job.id);
    if (cached && cached.key === key) return cached.iterator;
    const iterator = schedule(withJobTimezone(job.schedule, job.timezone), {
      startAt: job.startAt ?? undefined,
      endAt: job.endAt ?? undefined,
    });
    if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(job.id, { key, iterator });
    return iterator;
  }
}

/** The job's own time zone applies to wall-clock kinds that do not name one themselves. */
function withJobTimezone(spec: ScheduleSpec, timezone: string | null): ScheduleSpec {
  if ((spec.kind === 'cron' || spec.kind === 'calendar') && !spec.timezone && timezone) return { ...spec, timezone };
  return spec;
}
