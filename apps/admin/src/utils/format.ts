import type { ExecutionStatus, JobStatus } from '../api/types';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `2026-11-24 09:00:00 GMT+1` in the given IANA zone (the job's zone, not the browser's). */
export function formatInZone(instant: string | Date | null | undefined, timeZone = 'UTC'): string {
  if (!instant) return '—';
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) return '—';
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatterFor(timeZone).formatToParts(date);
  } catch {
    parts = formatterFor('UTC').formatToParts(date);
  }
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}

/** "in 12 s", "3 min ago", "in 2 h", "5 d ago" relative to `now`. */
export function relativeTime(instant: string | Date | null | undefined, now: number = Date.now()): string {
  if (!instant) return '';
  const at = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (Number.isNaN(at)) return '';
  const diff = Math.round((at - now) / 1000);
  const magnitude = Math.abs(diff);
  let text: string;
  if (magnitude < 1) return 'now';
  if (magnitude < 60) text = `${magnitude} s`;
  else if (magnitude < 3600) text = `${Math.round(magnitude / 60)} min`;
  // Hours up to two days ("in 32 h" reads better than a rounded "in 1 d").
  else if (magnitude < 172_800) text = `${Math.round(magnitude / 3600)} h`;
  else text = `${Math.round(magnitude / 86_400)} d`;
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

/** Relative time of a next run; one already past is "due" (the scheduler is about to fire it). */
export function untilNextRun(instant: string | null | undefined, now: number = Date.now()): string {
  if (!instant) return '';
  return Date.parse(instant) < now + 1000 ? 'due now' : relativeTime(instant, now);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

type TagType = 'default' | 'success' | 'warning' | 'error' | 'info';

export const JOB_STATUS_TAG: Record<JobStatus, TagType> = {
  active: 'success',
  paused: 'warning',
  completed: 'info',
  deleted: 'error',
};

export const EXECUTION_STATUS_TAG: Record<ExecutionStatus, TagType> = {
  pending: 'default',
  running: 'info',
  succeeded: 'success',
  failed: 'error',
  timed_out: 'error',
  skipped: 'default',
  abandoned: 'warning',
  cancelled: 'warning',
};

export const EXECUTION_STATUSES: ExecutionStatus[] = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'skipped',
  'abandoned',
  'cancelled',
];
export const JOB_STATUSES: JobStatus[] = ['active', 'paused', 'completed', 'deleted'];

export function label(value: string): string {
  return value.replace(/_/g, ' ');
}

/** The zone a job's times are shown in: the schedule's own, else the job's, else UTC. */
export function jobTimeZone(job: { schedule?: { timezone?: string } | object; timezone?: string }): string {
  const scheduleZone = job.schedule && 'timezone' in job.schedule ? job.schedule.timezone : undefined;
  return scheduleZone || job.timezone || 'UTC';
}
