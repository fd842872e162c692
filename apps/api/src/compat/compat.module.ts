import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { CompatController } from './compat.controller';
import { CompatService } from './compat.service';

@Module({ imports: [JobsModule], controllers: [CompatController], providers: [CompatService] })
export class CompatModule {}
