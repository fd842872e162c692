import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment';
import { HandlerExecutor } from '../executor/handler-executor';
import { HttpExecutor } from '../executor/http-executor';
import { HandlersModule } from '../handlers/handlers.module';
import { DbClock } from './db-clock';
import { ExecutionsRepository } from './executions.repository';
import { FiringLoop } from './firing-loop';
import { FiringRepository } from './firing.repository';
import { LeaderElection } from './leader-election';
import { NotificationListener } from './notification-listener';
import { ReplicasRepository } from './replicas.repository';
import { SCHEDULER_CONFIG, schedulerConfigFrom } from './scheduler.config';
import { SchedulerController } from './scheduler.controller';
import { SchedulerMetrics } from './scheduler-metrics';
import { SchedulerService } from './scheduler.service';
import { WorkerPool } from './worker-pool';

/** Leader election, firing, workers and runner control (docs/scheduler.md). */
@Module({
  imports: [HandlersModule],
  controllers: [SchedulerController],
  providers: [
    {
      provide: SCHEDULER_CONFIG,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => schedulerConfigFrom(config),
    },
    DbClock,
    SchedulerMetrics,
    LeaderElection,
    FiringRepository,
    FiringLoop,
    ExecutionsRepository,
    ReplicasRepository,
    NotificationListener,
    HttpExecutor,
    HandlerExecutor,
    WorkerPool,
    SchedulerService,
  ],
  exports: [SchedulerService],
})
export class SchedulerModule {}
