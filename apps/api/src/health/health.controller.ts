import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/auth-user';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /** Readiness: the process answers and its database does too. */
  @Get()
  @HealthCheck()
  readiness() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2_000 })]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.readiness();
  }

  /** Liveness: the event loop turns; never depends on the database. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}
