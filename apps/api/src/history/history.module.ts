import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { HistoryController } from './history.controller';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';
import { JobLatenessMetrics } from './job-lateness.metrics';

@Module({
  imports: [JobsModule],
  controllers: [HistoryController],
  providers: [HistoryRepository, HistoryService, JobLatenessMetrics],
})
export class HistoryModule {}
