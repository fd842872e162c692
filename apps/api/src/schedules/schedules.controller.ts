import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, getSchemaPath } from '@nestjs/swagger';
import { SchedulePreviewRequestDto, SchedulePreviewResponse } from '@zer08/contracts';
import { PROBLEM_SCHEMA } from '../jobs/jobs.openapi';
import { SchedulesService } from './schedules.service';

@ApiTags('schedules')
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Validate a schedule and show its next fire times, without saving anything',
    description: 'The same checks as creating a job. `count` 1..100 (default 10). DST-skipped wall times appear with `at: null, dst: "skipped"`.',
  })
  @ApiBody({
    schema: { $ref: getSchemaPath('SchedulePreviewRequestDto') },
    examples: {
      cron: { value: { schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' }, count: 3 } },
      calendar: {
        value: {
          schedule: { kind: 'calendar', freq: 'weekly', times: ['09:00', '17:30'], daysOfWeek: ['MON', 'WED'], timezone: 'Europe/Paris', overrideDates: [{ date: '2026-12-25', action: 'skip' }] },
        },
      },
    },
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      example: {
        valid: true,
        description: 'At 02:30:00 every day (Europe/Berlin)',
        timezone: 'Europe/Berlin',
        next: [{ at: '2027-01-02T01:30:00.000Z', local: '2027-01-02T02:30:00', dst: 'none' }],
      },
    },
  })
  @ApiBadRequestResponse({ description: 'Invalid schedule; `errors[].field` like `schedule.expression`', schema: PROBLEM_SCHEMA })
  @ApiUnauthorizedResponse({ schema: PROBLEM_SCHEMA })
  preview(@Body() body: SchedulePreviewRequestDto): SchedulePreviewResponse {
    return this.schedules.preview(body);
  }
}
