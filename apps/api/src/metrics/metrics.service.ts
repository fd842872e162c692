import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { hasLoggedResult } from '../database/result-log';
import { CountingHistogram } from './counting-histogram';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus metrics of one replica (documented in docs/observability.md). A registry
 * per application instance, not prom-client's global one, so several replicas can live in
 * one test process.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly fires = new Counter({
    name: 'zer08_fires_total',
    help: 'Occurrences fired by the leader (executions created), by trigger.',
    labelNames: ['trigger'] as const,
    registers: [this.registry],
  });

  /** Observed once per call (scheduler-metrics.ts): a CountingHistogram, exposed as prom-client's. */
  readonly fireLateness = new CountingHistogram(
    'zer08_fire_lateness_seconds',
    'Time from an occurrence scheduled instant to the start of its call.',
    LATENCY_BUCKETS,
    [],
    this.registry,
  );

  readonly executions = new Counter({
    name: 'zer08_executions_total',
    help: 'Finished executions, by final status.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly callbackDuration = new CountingHistogram(
    'zer08_callback_duration_seconds',
    'Duration of target calls (HTTP callbacks and in-process handlers).',
    LATENCY_BUCKETS,
    ['target_kind'],
    this.registry,
  );

  readonly leader = new Gauge({
    name: 'zer08_leader',
    help: '1 while this replica holds the scheduler leader lock.',
    registers: [this.registry],
  });

  readonly leaderEpoch = new Gauge({
    name: 'zer08_leader_epoch',
    help: 'Leader epoch this replica last saw (bumped by every election).',
    registers: [this.registry],
  });

  readonly lockSessionUp = new Gauge({
    name: 'zer08_lock_session_up',
    help: '1 while the dedicated leader-election database session is connected.',
    registers: [this.registry],
  });

  constructor(@InjectDataSource() dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'zer08_' });
    new Gauge({
      name: 'zer08_executions_pending',
      help: 'Executions waiting to run (status pending), read from the database at scrape time.',
      registers: [this.registry],
      async collect() {
        const [row] = (await dataSource.query(
          `SELECT count(*)::int AS n FROM executions WHERE status = 'pending'`,
        )) as {
          n: number;
        }[];
        this.set(row.n);
      },
    });
    new Gauge({
      name: 'zer08_executions_running',
      help: 'Executions in flight (status running, no result logged) across the cluster, read at scrape time.',
      registers: [this.registry],
      async collect() {
        const [row] = (await dataSource.query(
          `SELECT count(*)::int AS n FROM executions e WHERE e.status = 'running' AND NOT ${hasLoggedResult('e')}`,
        )) as { n: number }[];
        this.set(row.n);
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
