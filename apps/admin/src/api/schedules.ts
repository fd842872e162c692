import { post } from '../http/client';
import type { SchedulePreview, ScheduleSpec } from './types';

export const schedulesApi = {
  preview: (schedule: ScheduleSpec) => post<SchedulePreview>('/schedules/preview', { schedule }),
};
