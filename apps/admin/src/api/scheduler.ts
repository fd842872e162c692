import { get } from '../http/client';
import type { SchedulerStatus } from './types';

export const schedulerApi = {
  status: () => get<SchedulerStatus>('/scheduler/status'),
};
