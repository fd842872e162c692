import { Injectable } from '@nestjs/common';
import { SchedulePreviewRequestDto, SchedulePreviewResponse } from '@zer08/contracts';
import { ValidationFailedError } from '../common/problem';
import { checkJobSchedule, describeSchedule, jobSchedule, timezoneOf, toFireTime } from '../jobs/job-schedule';

@Injectable()
export class SchedulesService {
  /** Validates exactly as a job create would, then previews; nothing is stored. */
  preview(request: SchedulePreviewRequestDto): SchedulePreviewResponse {
    const window = { startAt: request.startAt ?? null, endAt: request.endAt ?? null };
    const now = new Date();
    const check = checkJobSchedule(request.schedule, window, now);
    if (!check.ok) throw new ValidationFailedError(check.errors);
    const occurrences = jobSchedule(request.schedule, window).preview(request.count ?? 10, now);
    return {
      valid: true,
      description: describeSchedule(request.schedule),
      timezone: timezoneOf(request.schedule),
      next: occurrences.map(toFireTime),
    };
  }
}
