import { Injectable } from '@nestjs/common';
import {
  ActivityQueryDto,
  ActivityResponse,
  ExecutionResponse,
  JobLatenessResponse,
  LatenessQueryDto,
  ListHistoryQueryDto,
  Page,
  resolvePage,
} from '@zer08/contracts';
import type { AuthUser } from '../auth/auth-user';
import { ValidationFailedError } from '../common/problem';
import { toExecutionResponse } from '../jobs/job-row';
import { ExecutionNotFoundError } from '../jobs/jobs.errors';
import { JobsService, scopeOf } from '../jobs/jobs.service';
import { HistoryRepository } from './history.repository';

@Injectable()
export class HistoryService {
  constructor(
    private readonly history: HistoryRepository,
    private readonly jobs: JobsService,
  ) {}

  async list(user: AuthUser, jobId: string, query: ListHistoryQueryDto): Promise<Page<ExecutionResponse>> {
    if (query.from && query.to && Date.parse(query.to) < Date.parse(query.from)) {
      throw new ValidationFailedError([{ field: 'to', message: 'to must not be before from' }]);
    }
    await this.jobs.assertVisible(user, jobId);
    const { page, pageSize, limit, offset } = resolvePage(query);
    const { rows, total } = await this.history.list({
      jobId,
      status: query.status,
      from: query.from,
      to: query.to,
      limit,
      offset,
    });
    return { items: rows.map(toExecutionResponse), total, page, pageSize };
  }

  async activity(user: AuthUser, query: ActivityQueryDto): Promise<ActivityResponse> {
    const ownerId = scopeOf(user).ownerId;
    const { from, to, rows } = await this.history.activity(query.minutes ?? 60, ownerId);
    const failures = await this.history.recentFailures(from, ownerId, 10);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      perMinute: rows.map((row) => ({
        minute: row.minute.toISOString(),
        succeeded: row.succeeded,
        failed: row.failed,
        other: row.other,
      })),
      recentFailures: failures.map((row) => ({ ...toExecutionResponse(row), jobName: row.job_name })),
    };
  }

  async lateness(user: AuthUser, jobId: string, query: LatenessQueryDto): Promise<JobLatenessResponse> {
    await this.jobs.assertVisible(user, jobId);
    const row = await this.history.lateness(jobId, query.minutes ?? 60);
    return {
      jobId,
      from: row.window_from.toISOString(),
      to: row.window_to.toISOString(),
      samples: row.samples,
      p50Ms: row.p50,
      p99Ms: row.p99,
      maxMs: row.max,
    };
  }

  async get(user: AuthUser, id: string): Promise<ExecutionResponse> {
    const row = await this.history.findOne(id, scopeOf(user).ownerId);
    if (!row) throw new ExecutionNotFoundError();
    return toExecutionResponse(row);
  }
}
