import { schedule } from '@zer08/cron';
import type { Job } from '../api/types';
import type { TimelineRow } from '../components/charts/timeline';

/** Fire times of each job inside [from, to], from the same engine the server runs. */
export function firesWithin(jobs: Job[], from: number, to: number, perJobLimit = 60): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const job of jobs) {
    try {
      const iterator = schedule(job.schedule, { startAt: job.startAt ?? undefined, endAt: job.endAt ?? undefined });
      const fires: number[] = [];
      let cursor = new Date(from);
      while (fires.length < perJobLimit) {
        const next = iterator.next(cursor);
        if (!next || next.getTime() > to) break;
        fires.push(next.getTime());
        cursor = next;
      }
      if (fires.length > 0) rows.push({ jobId: job.id, name: job.name, fires });
    } catch {
      // A schedule this build of the engine cannot read is left out, not fatal for the dashboard.
    }
  }
  return rows;
}

/**
 * The next fire after `now` when the server's `nextRunAt` has already passed (it is refreshed
 * by polling, a frequent job outruns it); null when the schedule has no later fire.
 */
export function nextFireAfter(job: Job, now: number): string | null {
  try {
    const iterator = schedule(job.schedule, { startAt: job.startAt ?? undefined, endAt: job.endAt ?? undefined });
    return iterator.next(new Date(now))?.toISOString() ?? null;
  } catch {
    return null;
  }
}
