import { Injectable, Optional } from '@nestjs/common';
import { HistogramCell } from '../metrics/counting-histogram';
import { MetricsService } from '../metrics/metrics.service';
import { ClaimedExecution, ExecutionOutcome } from './scheduler.types';

/**
 * Feeds the scheduler's numbers into the replica's Prometheus registry (metrics module,
 * docs/observability.md). Every method is a no-op when the metrics module is absent.
 */
@Injectable()
export class SchedulerMetrics {
  private readonly callDurations = new Map<string, HistogramCell>();
  private readonly lateness?: HistogramCell;

  constructor(@Optional() private readonly metrics?: MetricsService) {
    this.lateness = metrics?.fireLateness.cell();
  }

  fired(trigger: 'schedule', count: number): void {
    if (count > 0) this.metrics?.fires.inc({ trigger }, count);
  }

  /** Called as a call starts: lateness of first attempts against their scheduled instant. */
  callStarted(execution: ClaimedExecution, nowMs: number): void {
    if (execution.attempt === 1) this.lateness?.observe(Math.max(0, nowMs - execution.scheduledFor.getTime()) / 1000);
  }

  callFinished(execution: ClaimedExecution, outcome: ExecutionOutcome): void {
    if (!this.metrics) return;
    const kind = execution.target?.kind ?? 'unknown';
    let durations = this.callDurations.get(kind);
    if (!durations) this.callDurations.set(kind, (durations = this.metrics.callbackDuration.cell(kind)));
    durations.observe(outcome.durationMs / 1000);
  }

  resultsWritten(statuses: string[]): void {
    if (!this.metrics) return;
    const counts = new Map<string, number>();
    for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
    for (const [status, count] of counts) this.metrics.executions.inc({ status }, count);
  }

  leadership(epoch: number | null): void {
    this.metrics?.leader.set(epoch === null ? 0 : 1);
    if (epoch !== null) this.metrics?.leaderEpoch.set(epoch);
  }

  lockSession(up: boolean): void {
    this.metrics?.lockSessionUp.set(up ? 1 : 0);
  }
}
