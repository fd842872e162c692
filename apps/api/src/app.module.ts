import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { Environment } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { RowSecurityModule } from './database/row-security.module';
import { SecretsModule } from './secrets/secrets.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { UsersModule } from './users/users.module';
import { JobsModule } from './jobs/jobs.module';
import { SchedulesModule } from './schedules/schedules.module';
import { HistoryModule } from './history/history.module';
import { CompatModule } from './compat/compat.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { AuthModule } from './auth/auth.module';
import { UsersAdminModule } from './users/users-admin.module';

@Module({})
export class AppModule {
  /** `env` is validated before this is called (see main.ts and test/test-app.ts). */
  static forRoot(env: Environment): DynamicModule {
    const adminDist = resolve(env.ADMIN_DIST_DIR);
    const serveAdmin = existsSync(resolve(adminDist, 'index.html'))
      ? [ServeStaticModule.forRoot({ rootPath: adminDist, exclude: ['/api/{*path}', '/health{/*path}', '/metrics'] })]
      : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          validatePredefined: false,
          load: [() => ({ ...env })],
        }),
        DatabaseModule,
        RowSecurityModule,
        SecretsModule,
        HealthModule,
        MetricsModule,
        UsersModule,
        JobsModule,
        SchedulesModule,
        HistoryModule,
        CompatModule,
        SchedulerModule,
        AuthModule,
        UsersAdminModule,
        ...serveAdmin,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
