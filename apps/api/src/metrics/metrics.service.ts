import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { hasLoggedResult } from '../database/result-log';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Observations a BufferedObserver holds at most before handing them over unasked (0.8 MB). */
const MAX_BUFFERED_OBSERVATIONS = 100_000;

/**
 * Observations kept in a plain array and handed to a prom-client histogram when the
 * registry is read (or once MAX_BUFFERED_OBSERVATIONS are held). prom-client's observe
 * (label checks and hashing, a bucket looked up by its float bound as a property name)
 * made up ~5% of a replica's CPU in a burst of callbacks when called per call.
 */
export class BufferedObserver {
  private values: number[] = [];

  constructor(private readonly histogram: { observe(value: number): void }) {}

  observe(value: number): void {
    this.values.push(value);
    if (this.values.length >= MAX_BUFFERED_OBSERVATIONS) this.flush();
  }

  flush(): void {
    const values = this.values;
    this.values = [];
    for (const value of values) this.histogram.observe(value);
  }
}

/**
 * The Prometheus metrics of one replica (documented in docs/observability.md). A registry
 * per application instance, not prom-client's global one, so several replicas can live in
 * one test process.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly observers: BufferedObserver[] = [];

  readonly fires = new Counter({
    name: 'zer08_fires_total',
    help: 'Occurrences fired by the leader (executions created), by trigger.',
    labelNames: ['trigger'] as const,
    registers: [this.registry],
  });

  readonly fireLateness = new Histogram({
    name: 'zer08_fire_lateness_seconds',
    help: 'Time from an occurrence scheduled instant to the start of its call.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
    collect: () => this.flushObservations(),
  });

  readonly executions = new Counter({
    name: 'zer08_executions_total',
    help: 'Finished executions, by final status.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly callbackDuration = new Histogram({
    name: 'zer08_callback_duration_seconds',
    help: 'Duration of target calls (HTTP callbacks and in-process handlers).',
    labelNames: ['target_kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
    collect: () => this.flushObservations(),
  });

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

  /** Observes into `histogram` (or one of its label children) by the next scrape: for hot paths. */
  bufferedObserver(histogram: { observe(value: number): void }): BufferedObserver {
    const observer = new BufferedObserver(histogram);
    this.observers.push(observer);
    return observer;
  }

  private flushObservations(): void {
    for (const observer of this.observers) observer.flush();
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
