import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { HistoryController } from './history.controller';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';

@Module({ imports: [JobsModule], controllers: [HistoryController], providers: [HistoryRepository, HistoryService] })
export class HistoryModule {}
