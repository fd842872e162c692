import { del, get, patch, post } from '../http/client';
import type {
  CancelledExecution,
  CreatedJob,
  Execution,
  ExecutionStatus,
  Job,
  JobFireTimes,
  JobInput,
  JobLateness,
  JobStatus,
  Page,
} from './types';

export type JobSort = 'nextRunAt' | 'name' | 'createdAt';

export interface JobQuery {
  page?: number;
  pageSize?: number;
  status?: JobStatus;
  scheduleKind?: string;
  targetKind?: string;
  q?: string;
  sort?: JobSort;
  order?: 'asc' | 'desc';
}

export interface HistoryQuery {
  page?: number;
  pageSize?: number;
  status?: ExecutionStatus;
  from?: string;
  to?: string;
}

/** Drops empty filters so the URL carries only what the user chose. */
function compact<T extends object>(query: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  ) as Partial<T>;
}

export const jobsApi = {
  list: (query: JobQuery = {}) => get<Page<Job>>('/jobs', { params: compact(query) }),
  get: (id: string) => get<Job>(`/jobs/${id}`),
  create: (input: JobInput) => post<CreatedJob>('/jobs', input),
  update: (id: string, input: Partial<JobInput> & { version: number }) => patch<Job>(`/jobs/${id}`, input),
  remove: (id: string) => del(`/jobs/${id}`),
  pause: (id: string) => post<Job>(`/jobs/${id}/pause`),
  resume: (id: string) => post<Job>(`/jobs/${id}/resume`),
  trigger: (id: string) => post<Execution>(`/jobs/${id}/trigger`),
  restore: (id: string) => post<Job>(`/jobs/${id}/restore`),
  upcoming: (id: string, count = 10) => get<JobFireTimes>(`/jobs/${id}/schedule`, { params: { count } }),
  history: (id: string, query: HistoryQuery = {}) =>
    get<Page<Execution>>(`/jobs/${id}/history`, { params: compact(query) }),
  lateness: (id: string) => get<JobLateness>(`/jobs/${id}/lateness`),
};

export const executionsApi = {
  get: (id: string) => get<Execution>(`/executions/${id}`),
  cancel: (id: string) => post<CancelledExecution>(`/executions/${id}/cancel`),
};
