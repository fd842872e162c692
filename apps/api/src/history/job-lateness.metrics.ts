import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { HistoryRepository } from './history.repository';

/** Label cardinality stays bounded however many jobs there are: only the worst are exported. */
export const JOB_LATENESS_METRIC_JOBS = 50;
const REFRESH_MS = 30_000;

/**
 * `zer08_job_fire_lateness_seconds{job_id, quantile}`: p50 and p99 over the last hour for
 * the jobs with the worst p99, read from the database (every replica exports the same
 * cluster-wide figures) at most every 30 s however often Prometheus scrapes.
 */
@Injectable()
export class JobLatenessMetrics implements OnModuleInit {
  private cached: { at: number; rows: Array<{ job_id: string; p50: number; p99: number }> } | null = null;

  constructor(
    private readonly history: HistoryRepository,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    if (!this.metrics) return;
    const read = () => this.worst();
    new Gauge({
      name: 'zer08_job_fire_lateness_seconds',
      help: `Fire lateness p50 and p99 over the last hour of the ${JOB_LATENESS_METRIC_JOBS} jobs with the worst p99.`,
      labelNames: ['job_id', 'quantile'] as const,
      registers: [this.metrics.registry],
      async collect() {
        const rows = await read();
        this.reset();
        for (const row of rows) {
          this.set({ job_id: row.job_id, quantile: '0.5' }, row.p50 / 1000);
          this.set({ job_id: row.job_id, quantile: '0.99' }, row.p99 / 1000);
        }
      },
    });
  }

  private async worst() {
    if (!this.cached || Date.now() - this.cached.at > REFRESH_MS) {
      this.cached = { at: Date.now(), rows: await this.history.worstLateness(JOB_LATENESS_METRIC_JOBS) };
    }
    return this.cached.rows;
  }
}
