import { jobsApi } from './jobs';
import { schedulerApi } from './scheduler';
import type { Execution, Job, JobStatus, SchedulerStatus } from './types';

/**
 * Everything the dashboard shows, loaded in one place. The API has no aggregate endpoint yet,
 * so the figures are derived from the list and history endpoints; when one lands, only this
 * module changes.
 */
export interface MinuteBucket {
  minute: number;
  succeeded: number;
  failed: number;
  other: number;
}

export interface FailedExecution extends Execution {
  jobName: string;
}

export interface DashboardData {
  countsByStatus: Record<JobStatus, number>;
  upcoming: Job[];
  perMinute: MinuteBucket[];
  recentFailures: FailedExecution[];
  /** How many jobs the activity figures cover (the soonest-firing active ones that ran within the hour). */
  sampledJobs: number;
  /** Some job ran more than HISTORY_PAGE times within the hour: only its latest runs are counted. */
  partial: boolean;
}

const STATUSES: JobStatus[] = ['active', 'paused', 'completed', 'deleted'];
const FAILED = new Set(['failed', 'timed_out', 'abandoned']);
const ACTIVITY_JOBS = 15;
const PAUSED_SAMPLE = 10;
const HOUR = 3_600_000;
const HISTORY_PAGE = 100;

export function bucketPerMinute(executions: Execution[], now: number): MinuteBucket[] {
  const firstMinute = Math.floor((now - HOUR) / 60_000) * 60_000 + 60_000;
  const buckets: MinuteBucket[] = Array.from({ length: 60 }, (_, i) => ({
    minute: firstMinute + i * 60_000,
    succeeded: 0,
    failed: 0,
    other: 0,
  }));
  for (const execution of executions) {
    const at = Date.parse(execution.finishedAt ?? execution.startedAt ?? execution.scheduledFor);
    const index = Math.floor((at - firstMinute) / 60_000);
    if (index < 0 || index >= buckets.length) continue;
    if (execution.status === 'succeeded') buckets[index].succeeded += 1;
    else if (FAILED.has(execution.status)) buckets[index].failed += 1;
    else buckets[index].other += 1;
  }
  return buckets;
}

export async function loadDashboard(now = Date.now()): Promise<DashboardData> {
  const [counts, upcoming, paused] = await Promise.all([
    Promise.all(
      STATUSES.map((status) =>
        jobsApi.list({ status, page: 1, pageSize: 1 }).then((page) => [status, page.total] as const),
      ),
    ),
    jobsApi.list({ status: 'active', sort: 'nextRunAt', order: 'asc', page: 1, pageSize: 20 }),
    jobsApi.list({ status: 'paused', sort: 'createdAt', order: 'desc', page: 1, pageSize: PAUSED_SAMPLE }),
  ]);
  // Activity is sampled from the active jobs that fire soonest, plus recently created paused
  // ones (a job paused a minute ago still ran this hour), that ran within the hour.
  const ranThisHour = (job: Job) => job.lastRunAt !== null && Date.parse(job.lastRunAt) >= now - HOUR;
  const sampled = [...upcoming.items.slice(0, ACTIVITY_JOBS), ...paused.items].filter(ranThisHour);
  const from = new Date(now - HOUR).toISOString();
  const histories = await Promise.all(
    sampled.map((job) =>
      jobsApi
        .history(job.id, { from, page: 1, pageSize: HISTORY_PAGE })
        .then((page) => ({
          partial: page.total > page.items.length,
          items: page.items.map((execution) => ({ ...execution, jobName: job.name })),
        }))
        .catch(() => ({ partial: false, items: [] as FailedExecution[] })),
    ),
  );
  const executions = histories.flatMap((history) => history.items);
  return {
    countsByStatus: Object.fromEntries(counts) as Record<JobStatus, number>,
    upcoming: upcoming.items,
    perMinute: bucketPerMinute(executions, now),
    recentFailures: executions
      .filter((execution) => FAILED.has(execution.status))
      .sort((a, b) => b.scheduledFor.localeCompare(a.scheduledFor))
      .slice(0, 8),
    sampledJobs: sampled.length,
    partial: histories.some((history) => history.partial),
  };
}

export function loadClusterStatus(): Promise<SchedulerStatus> {
  return schedulerApi.status();
}
