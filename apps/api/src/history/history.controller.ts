import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ActivityQueryDto,
  ActivityResponse,
  ExecutionResponse,
  JobLatenessResponse,
  LatenessQueryDto,
  ListHistoryQueryDto,
  Page,
} from '@zer08/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { UuidParam } from '../common/uuid-param.pipe';
import {
  ApiJobErrors,
  ApiJobId,
  ApiPageQuery,
  EXECUTION_EXAMPLE,
  EXECUTION_SCHEMA,
  pageSchema,
} from '../jobs/jobs.openapi';
import { HistoryService } from './history.service';

@ApiTags('history')
@ApiJobErrors()
@Controller()
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get('jobs/:id/history')
  @ApiOperation({ summary: "A job's executions, newest first (by scheduledFor, then attempt)" })
  @ApiJobId()
  @ApiPageQuery()
  @ApiQuery({
    name: 'status',
    required: false,
    enum: ['pending', 'running', 'succeeded', 'failed', 'timed_out', 'skipped', 'abandoned', 'cancelled'],
  })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'scheduledFor >= from (ISO 8601)',
    schema: { type: 'string', format: 'date-time' },
  })
  @ApiQuery({
    name: 'to',
    required: false,
    description: 'scheduledFor <= to (ISO 8601)',
    schema: { type: 'string', format: 'date-time' },
  })
  @ApiOkResponse({ schema: pageSchema(EXECUTION_SCHEMA, EXECUTION_EXAMPLE) })
  list(
    @CurrentUser() user: AuthUser,
    @UuidParam('id') id: string,
    @Query() query: ListHistoryQueryDto,
  ): Promise<Page<ExecutionResponse>> {
    return this.history.list(user, id, query);
  }

  @Get('jobs/:id/lateness')
  @ApiOperation({
    summary:
      "A job's fire lateness (call start minus scheduled instant) over its scheduled first attempts: p50, p99 and max",
  })
  @ApiJobId()
  @ApiQuery({ name: 'minutes', required: false, schema: { type: 'integer', minimum: 1, maximum: 1440, default: 60 } })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        jobId: { type: 'string', format: 'uuid' },
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        samples: { type: 'integer' },
        p50Ms: { type: 'integer', nullable: true },
        p99Ms: { type: 'integer', nullable: true },
        maxMs: { type: 'integer', nullable: true },
      },
      example: {
        jobId: '9b2f4c1e-8a7d-4e3b-9c6f-1a2b3c4d5e6f',
        from: '2027-01-02T00:30:00.000Z',
        to: '2027-01-02T01:30:00.000Z',
        samples: 3600,
        p50Ms: 3,
        p99Ms: 11,
        maxMs: 40,
      },
    },
  })
  lateness(
    @CurrentUser() user: AuthUser,
    @UuidParam('id') id: string,
    @Query() query: LatenessQueryDto,
  ): Promise<JobLatenessResponse> {
    return this.history.lateness(user, id, query);
  }

  @Get('executions/activity')
  @ApiOperation({
    summary:
      'Executions per minute (succeeded / failed / other) and the latest failures, over your jobs (all jobs for admins)',
  })
  @ApiQuery({ name: 'minutes', required: false, schema: { type: 'integer', minimum: 1, maximum: 1440, default: 60 } })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        perMinute: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              minute: { type: 'string', format: 'date-time' },
              succeeded: { type: 'integer' },
              failed: { type: 'integer' },
              other: { type: 'integer' },
            },
          },
        },
        recentFailures: { type: 'array', items: EXECUTION_SCHEMA },
      },
    },
  })
  activity(@CurrentUser() user: AuthUser, @Query() query: ActivityQueryDto): Promise<ActivityResponse> {
    return this.history.activity(user, query);
  }

  @Get('executions/:id')
  @ApiOperation({ summary: 'One execution (its job must be yours, unless you are an admin)' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Execution id' })
  @ApiOkResponse({ schema: EXECUTION_SCHEMA })
  get(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<ExecutionResponse> {
    return this.history.get(user, id);
  }
}
