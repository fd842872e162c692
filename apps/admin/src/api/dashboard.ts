import { get } from '../http/client';
import { jobsApi } from './jobs';
import { schedulerApi } from './scheduler';
import type { Execution, Job, JobStatus, SchedulerStatus } from './types';

/** Everything the dashboard shows, loaded in one place. */
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
}

interface ActivityResponse {
  from: string;
  to: string;
  perMinute: Array<{ minute: string; succeeded: number; failed: number; other: number }>;
  recentFailures: FailedExecution[];
}

const STATUSES: JobStatus[] = ['active', 'paused', 'completed', 'deleted'];
const WINDOW_MINUTES = 60;
const SHOWN_FAILURES = 8;

/** The API's per-minute counts (ISO minutes) as chart buckets (epoch ms). */
export function toMinuteBuckets(perMinute: ActivityResponse['perMinute']): MinuteBucket[] {
  return perMinute.map((bucket) => ({
    minute: Date.parse(bucket.minute),
    succeeded: bucket.succeeded,
    failed: bucket.failed,
    other: bucket.other,
  }));
}

export async function loadDashboard(): Promise<DashboardData> {
  const [counts, upcoming, activity] = await Promise.all([
    Promise.all(
      STATUSES.map((status) =>
        jobsApi.list({ status, page: 1, pageSize: 1 }).then((page) => [status, page.total] as const),
      ),
    ),
    jobsApi.list({ status: 'active', sort: 'nextRunAt', order: 'asc', page: 1, pageSize: 20 }),
    get<ActivityResponse>('/executions/activity', { params: { minutes: WINDOW_MINUTES } }),
  ]);
  return {
    countsByStatus: Object.fromEntries(counts) as Record<JobStatus, number>,
    upcoming: upcoming.items,
    perMinute: toMinuteBuckets(activity.perMinute),
    recentFailures: activity.recentFailures.slice(0, SHOWN_FAILURES),
  };
}

export function loadClusterStatus(): Promise<SchedulerStatus> {
  return schedulerApi.status();
}
