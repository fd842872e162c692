import { Injectable } from '@nestjs/common';
import { ExecutionResponse, ListHistoryQueryDto, Page, resolvePage } from '@zer08/contracts';
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
    const { rows, total } = await this.history.list({ jobId, status: query.status, from: query.from, to: query.to, limit, offset });
    return { items: rows.map(toExecutionResponse), total, page, pageSize };
  }

  async get(user: AuthUser, id: string): Promise<ExecutionResponse> {
    const row = await this.history.findOne(id, scopeOf(user).ownerId);
    if (!row) throw new ExecutionNotFoundError();
    return toExecutionResponse(row);
  }
}
