import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, RequestMethod } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { UuidParam } from '../common/uuid-param.pipe';
import { ApiJobErrors } from '../jobs/jobs.openapi';
import { CompatCreateScheduleDto, CompatJob, CompatJobList, CompatListQueryDto, CompatUpdateJobDto } from './compat.dto';
import { CompatService } from './compat.service';


/** The seed API's routes, served outside the /api/v1 prefix (app.factory.ts excludes them). */
export const COMPAT_ROUTES = [
  { path: 'api/schedule', method: RequestMethod.POST },
  { path: 'api/jobs', method: RequestMethod.GET },
  { path: 'api/job/:id', method: RequestMethod.ALL },
];

const COMPAT_EXAMPLE = {
  name: 'office-hours-ping',
  start_date: '2027-01-01',
  end_date: '2027-12-31',
  trigger_timings: ['09:00', '17:30'],
  freq: 'weekly',
  rule_type: 'days_of_week',
  rule_value: ['MON', 'WED'],
  override_dates: [{ date: '2027-12-25', action: 'skip' }],
  callback_url: 'https://example.com/hook',
  metadata: { team: 'ops' },
};
const COMPAT_JOB_EXAMPLE = {
  id: '0b8f5f0e-6c1e-4c43-9d2a-5d6b7f3c2a10',
  ...COMPAT_EXAMPLE,
  timezone: 'UTC',
  status: 'active',
  next_trigger: '2027-01-04T09:00:00.000Z',
  last_triggered: null,
  call_count: 0,
  created_at: '2027-01-01T00:00:00.000Z',
  updated_at: '2027-01-01T00:00:00.000Z',
};

@ApiTags('compat (seed API)')
@ApiJobErrors()
@Controller('api')
export class CompatController {
  constructor(private readonly compat: CompatService) {}

  @Post('schedule')
  @ApiOperation({ summary: 'Seed API: create a calendar job with an HTTP POST callback (snake_case)', description: 'See docs/compat.md for the mapping.' })
  @ApiBody({ schema: { $ref: getSchemaPath('CompatCreateScheduleDto') }, examples: { weekly: { value: COMPAT_EXAMPLE } } })
  @ApiCreatedResponse({ schema: { type: 'object', example: COMPAT_JOB_EXAMPLE } })
  create(@CurrentUser() user: AuthUser, @Body() body: CompatCreateScheduleDto): Promise<CompatJob> {
    return this.compat.create(user, body);
  }

  @Get('jobs')
  @ApiOperation({ summary: 'Seed API: list your calendar/HTTP jobs', description: 'Answers `{jobs, total, page, page_size}`.' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } })
  @ApiQuery({ name: 'page_size', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'paused', 'completed', 'deleted'] })
  @ApiOkResponse({ schema: { type: 'object', example: { jobs: [COMPAT_JOB_EXAMPLE], total: 1, page: 1, page_size: 20 } } })
  list(@CurrentUser() user: AuthUser, @Query() query: CompatListQueryDto): Promise<CompatJobList> {
    return this.compat.list(user, query);
  }

  @Get('job/:id')
  @ApiOperation({ summary: 'Seed API: one job' })
  @ApiOkResponse({ schema: { type: 'object', example: COMPAT_JOB_EXAMPLE } })
  get(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<CompatJob> {
    return this.compat.get(user, id);
  }

  @Patch('job/:id')
  @ApiOperation({ summary: 'Seed API: change a job (last writer wins); `status` active|paused resumes or pauses' })
  @ApiBody({ schema: { $ref: getSchemaPath('CompatUpdateJobDto') }, examples: { pause: { value: { status: 'paused' } } } })
  @ApiOkResponse({ schema: { type: 'object', example: COMPAT_JOB_EXAMPLE } })
  update(@CurrentUser() user: AuthUser, @UuidParam('id') id: string, @Body() body: CompatUpdateJobDto): Promise<CompatJob> {
    return this.compat.update(user, id, body);
  }

  @Delete('job/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Seed API: delete a job (soft, restorable through /api/v1/jobs/:id/restore)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  remove(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<void> {
    return this.compat.remove(user, id);
  }
}
