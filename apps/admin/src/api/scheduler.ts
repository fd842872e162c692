import { get, post } from '../http/client';
import type { SchedulerStatus } from './types';

/** Runner control acts on the replica that answers the request (behind a balancer: any one). */
export const schedulerApi = {
  status: () => get<SchedulerStatus>('/scheduler/status'),
  stop: () => post<SchedulerStatus>('/scheduler/stop'),
  start: () => post<SchedulerStatus>('/scheduler/start'),
};
