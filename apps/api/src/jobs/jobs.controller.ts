import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  BulkCreateJobsDto,
  BulkCreateJobsResponse,
  CreatedJobResponse,
  CreateJobDto,
  ExecutionResponse,
  JobAuditEntry,
  JobFireTimes,
  JobResponse,
  ListJobsQueryDto,
  Page,
  PageQueryDto,
  RotatedSecretResponse,
  ScheduleQueryDto,
  UpdateJobDto,
} from '@zer08/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { UuidParam } from '../common/uuid-param.pipe';
import {
  ApiJobErrors,
  ApiJobId,
  ApiPageQuery,
  EXECUTION_SCHEMA,
  JOB_EXAMPLE,
  JOB_SCHEMA,
  pageSchema,
  PROBLEM_SCHEMA,
} from './jobs.openapi';
import { JobsService } from './jobs.service';
import { ValidatedBody } from './validated-body';

const CREATE_EXAMPLE = {
  name: 'nightly-report',
  schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
  target: { kind: 'http', method: 'POST', url: 'https://example.com/hook', headers: {}, body: { report: 'daily' }, timeoutMs: 10000 },
  executionType: 'AT_LEAST_ONCE',
  retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1000 },
  concurrency: 'allow',
  misfire: 'fire_once',
  startAt: null,
  endAt: null,
  metadata: {},
};
const conflict = { description: 'version_conflict, job_deleted, job_not_deleted or invalid_job_state', schema: PROBLEM_SCHEMA };

@ApiTags('jobs')
@ApiJobErrors()
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a job', description: 'Answers the job plus its HMAC `signingSecret`, shown only here (and on rotate-secret).' })
  @ApiBody({ schema: { $ref: getSchemaPath('CreateJobDto') }, examples: { cron: { value: CREATE_EXAMPLE } } })
  @ApiCreatedResponse({ schema: { allOf: [JOB_SCHEMA, { properties: { signingSecret: { type: 'string' } } }] } })
  @ApiPayloadTooLargeResponse({ description: 'Body over 1 MB', schema: PROBLEM_SCHEMA })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateJobDto): Promise<CreatedJobResponse> {
    return this.jobs.create(user, body);
  }

  @Post('bulk')
  @ApiOperation({
    summary: 'Create 1..1,000 jobs at once',
    description: 'All or nothing: one bad item answers 400 naming `jobs[i].<field>` and nothing is created. Bodies are limited to 1 MB.',
  })
  @ApiBody({ schema: { $ref: getSchemaPath('BulkCreateJobsDto') }, examples: { two: { value: { jobs: [CREATE_EXAMPLE, { ...CREATE_EXAMPLE, name: 'hourly' }] } } } })
  @ApiCreatedResponse({
    schema: {
      type: 'object',
      properties: { count: { type: 'integer' }, items: { type: 'array', items: { type: 'object' } } },
      example: { count: 1, items: [{ id: JOB_EXAMPLE.id, name: 'nightly-report', nextRunAt: JOB_EXAMPLE.nextRunAt, signingSecret: 'q3J…' }] },
    },
  })
  createMany(@CurrentUser() user: AuthUser, @ValidatedBody(BulkCreateJobsDto) body: BulkCreateJobsDto): Promise<BulkCreateJobsResponse> {
    return this.jobs.createMany(user, body);
  }

  @Get()
  @ApiOperation({ summary: 'List jobs', description: 'Users see their own jobs, admins every job. Deleted jobs only with `status=deleted`.' })
  @ApiPageQuery()
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'paused', 'completed', 'deleted'] })
  @ApiQuery({ name: 'scheduleKind', required: false, enum: ['cron', 'interval', 'once', 'calendar'] })
  @ApiQuery({ name: 'targetKind', required: false, enum: ['http', 'handler'] })
  @ApiQuery({ name: 'q', required: false, description: 'Case-insensitive name substring' })
  @ApiQuery({ name: 'sort', required: false, enum: ['nextRunAt', 'name', 'createdAt'] })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'ownerId', required: false, description: 'Admins only', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ schema: pageSchema(JOB_SCHEMA, JOB_EXAMPLE) })
  list(@CurrentUser() user: AuthUser, @Query() query: ListJobsQueryDto): Promise<Page<JobResponse>> {
    return this.jobs.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a job' })
  @ApiJobId()
  @ApiOkResponse({ schema: JOB_SCHEMA })
  get(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<JobResponse> {
    return this.jobs.get(user, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a job',
    description: 'Partial update. `version` must be the version you read (409 `version_conflict` otherwise). A new schedule, startAt or endAt is re-validated and recomputes nextRunAt.',
  })
  @ApiJobId()
  @ApiBody({ schema: { $ref: getSchemaPath('UpdateJobDto') }, examples: { rename: { value: { version: 1, name: 'nightly-report-v2' } } } })
  @ApiOkResponse({ schema: JOB_SCHEMA })
  @ApiConflictResponse(conflict)
  update(@CurrentUser() user: AuthUser, @UuidParam('id') id: string, @Body() body: UpdateJobDto): Promise<JobResponse> {
    return this.jobs.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a job (soft; restorable)' })
  @ApiJobId()
  @ApiNoContentResponse({ description: 'Deleted (also when it already was)' })
  remove(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<void> {
    return this.jobs.remove(user, id);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a deleted job to the status it had' })
  @ApiJobId()
  @ApiOkResponse({ schema: JOB_SCHEMA })
  @ApiConflictResponse(conflict)
  restore(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<JobResponse> {
    return this.jobs.restore(user, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a job (idempotent)' })
  @ApiJobId()
  @ApiOkResponse({ schema: JOB_SCHEMA })
  @ApiConflictResponse(conflict)
  pause(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<JobResponse> {
    return this.jobs.pause(user, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused job; the next fire is computed from now (missed fires are not caught up)' })
  @ApiJobId()
  @ApiOkResponse({ schema: JOB_SCHEMA })
  @ApiConflictResponse(conflict)
  resume(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<JobResponse> {
    return this.jobs.resume(user, id);
  }

  @Post(':id/trigger')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a job now', description: 'Queues a pending execution (trigger `manual`, scheduledFor = database now); the scheduler runs it.' })
  @ApiJobId()
  @ApiAcceptedResponse({ schema: { ...EXECUTION_SCHEMA, example: { ...EXECUTION_SCHEMA.example, trigger: 'manual', status: 'pending' } } })
  @ApiConflictResponse(conflict)
  trigger(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<ExecutionResponse> {
    return this.jobs.trigger(user, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the HMAC signing secret', description: 'Answers the new secret once; callbacks are signed with it from now on.' })
  @ApiJobId()
  @ApiOkResponse({ schema: { type: 'object', example: { id: JOB_EXAMPLE.id, signingSecret: 'q3J…', version: 2 } } })
  rotateSecret(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<RotatedSecretResponse> {
    return this.jobs.rotateSecret(user, id);
  }

  @Get(':id/schedule')
  @ApiOperation({
    summary: 'Next fire times of a job',
    description: '`at` is the instant (ISO, UTC), `local` the wall time in the job zone, `dst` how a DST change moved it (`skipped` entries have `at: null`).',
  })
  @ApiJobId()
  @ApiQuery({ name: 'count', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } })
  @ApiOkResponse({
    schema: {
      type: 'object',
      example: { jobId: JOB_EXAMPLE.id, timezone: 'Europe/Berlin', next: [{ at: '2027-01-02T01:30:00.000Z', local: '2027-01-02T02:30:00', dst: 'none' }] },
    },
  })
  fireTimes(@CurrentUser() user: AuthUser, @UuidParam('id') id: string, @Query() query: ScheduleQueryDto): Promise<JobFireTimes> {
    return this.jobs.fireTimes(user, id, query.count ?? 10);
  }

  @Get(':id/audit')
  @ApiOperation({ summary: 'Who changed a job, and how (newest first)' })
  @ApiJobId()
  @ApiPageQuery()
  @ApiOkResponse({
    schema: pageSchema({ type: 'object' }, { id: '1', jobId: JOB_EXAMPLE.id, actorId: JOB_EXAMPLE.ownerId, action: 'updated', changes: { name: { from: 'a', to: 'b' } }, at: JOB_EXAMPLE.updatedAt }),
  })
  audit(@CurrentUser() user: AuthUser, @UuidParam('id') id: string, @Query() query: PageQueryDto): Promise<Page<JobAuditEntry>> {
    return this.jobs.audit(user, id, query);
  }
}
