import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ExecutionResponse, ListHistoryQueryDto, Page } from '@zer08/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { UuidParam } from '../common/uuid-param.pipe';
import { ApiJobErrors, ApiJobId, ApiPageQuery, EXECUTION_EXAMPLE, EXECUTION_SCHEMA, pageSchema } from '../jobs/jobs.openapi';
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
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'running', 'succeeded', 'failed', 'timed_out', 'skipped', 'abandoned', 'cancelled'] })
  @ApiQuery({ name: 'from', required: false, description: 'scheduledFor >= from (ISO 8601)', schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'to', required: false, description: 'scheduledFor <= to (ISO 8601)', schema: { type: 'string', format: 'date-time' } })
  @ApiOkResponse({ schema: pageSchema(EXECUTION_SCHEMA, EXECUTION_EXAMPLE) })
  list(@CurrentUser() user: AuthUser, @UuidParam('id') id: string, @Query() query: ListHistoryQueryDto): Promise<Page<ExecutionResponse>> {
    return this.history.list(user, id, query);
  }

  @Get('executions/:id')
  @ApiOperation({ summary: 'One execution (its job must be yours, unless you are an admin)' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Execution id' })
  @ApiOkResponse({ schema: EXECUTION_SCHEMA })
  get(@CurrentUser() user: AuthUser, @UuidParam('id') id: string): Promise<ExecutionResponse> {
    return this.history.get(user, id);
  }
}
