import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { CancelledExecutionDto, SchedulerStatusDto } from '@zer08/contracts';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { SchedulerService } from './scheduler.service';

const statusResponse = { schema: { $ref: getSchemaPath('SchedulerStatusDto') } };

@ApiTags('scheduler')
@ApiBearerAuth('bearer')
@Controller()
export class SchedulerController {
  constructor(private readonly scheduler: SchedulerService) {}

  @Get('scheduler/status')
  @Roles('admin')
  @ApiOperation({ summary: 'Leader, epoch, replicas with heartbeats, lag and queue depth (admin)' })
  @ApiOkResponse(statusResponse)
  status(): Promise<SchedulerStatusDto> {
    return this.scheduler.status();
  }

  @Post('scheduler/stop')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Stop dispatching on the replica that answers: it gives up leadership and claims nothing new (admin)',
  })
  @ApiOkResponse(statusResponse)
  stop(): Promise<SchedulerStatusDto> {
    return this.scheduler.stop();
  }

  @Post('scheduler/start')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Resume dispatching on the replica that answers (admin)' })
  @ApiOkResponse(statusResponse)
  start(): Promise<SchedulerStatusDto> {
    return this.scheduler.start();
  }

  @Post('executions/:id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a pending or running execution (owner or admin)',
    description:
      'A pending execution never runs; a running one has its call aborted. 409 when it already ended; 404 for executions of other users.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: { $ref: getSchemaPath('CancelledExecutionDto') } })
  cancel(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<CancelledExecutionDto> {
    return this.scheduler.cancel(id, user);
  }
}
