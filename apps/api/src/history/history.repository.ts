import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { EXECUTION_COLUMNS, ExecutionRow } from '../jobs/job-row';

export interface HistoryFilter {
  jobId: string;
  status?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const QUALIFIED_EXECUTION_COLUMNS = EXECUTION_COLUMNS.split(',')
  .map((column) => `e.${column.trim()}`)
  .join(', ');

@Injectable()
export class HistoryRepository {
  private readonly pool: Pool;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Newest first, served by executions_job_time_idx (job_id, scheduled_for DESC, attempt DESC). */
  async list(filter: HistoryFilter): Promise<{ rows: ExecutionRow[]; total: number }> {
    const values: unknown[] = [filter.jobId];
    const where = ['job_id = $1'];
    if (filter.status) where.push(`status = $${values.push(filter.status)}`);
    if (filter.from) where.push(`scheduled_for >= $${values.push(filter.from)}::timestamptz`);
    if (filter.to) where.push(`scheduled_for <= $${values.push(filter.to)}::timestamptz`);
    const whereSql = where.join(' AND ');
    const countValues = [...values];
    const [page, count] = await Promise.all([
      this.pool.query<ExecutionRow>(
        `SELECT ${EXECUTION_COLUMNS} FROM executions WHERE ${whereSql}
         ORDER BY scheduled_for DESC, attempt DESC LIMIT $${values.push(filter.limit)} OFFSET $${values.push(filter.offset)}`,
        values,
      ),
      this.pool.query<{ total: string }>(`SELECT count(*) AS total FROM executions WHERE ${whereSql}`, countValues),
    ]);
    return { rows: page.rows, total: Number(count.rows[0].total) };
  }

  /** One execution if its job belongs to `ownerId` (null: any owner). */
  async findOne(id: string, ownerId: string | null): Promise<ExecutionRow | undefined> {
    const { rows } = await this.pool.query<ExecutionRow>({
      name: 'executions_find_one',
      text: `SELECT ${QUALIFIED_EXECUTION_COLUMNS} FROM executions e JOIN jobs j ON j.id = e.job_id
             WHERE e.id = $1 AND ($2::uuid IS NULL OR j.owner_id = $2::uuid)`,
      values: [id, ownerId],
    });
    return rows[0];
  }
}
