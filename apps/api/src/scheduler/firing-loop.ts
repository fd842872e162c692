import { Inject, Injectable, Logger } from '@nestjs/common';
import { DbClock } from './db-clock';
import { executionOf } from './execution-rows';
import { DueJobRow, FiringRepository, NewExecution } from './firing.repository';
import { Leadership } from './leader-election';
import { OccurrencePlan, planOccurrences, ScheduleCache } from './occurrence-planner';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { SchedulerMetrics } from './scheduler-metrics';
import { timeoutOf } from './scheduler.types';
import { Reservation, WorkerPool } from './worker-pool';

const FORBID_SKIP = 'skipped: the previous execution is still pending or running (concurrency policy forbid)';
const REPLACE_SKIP = 'skipped: superseded by a later occurrence in the same batch (concurrency policy replace)';

/**
 * The leader's loop: sleep until the earliest next_run_at (database clock, woken early by
 * NOTIFY), then fire every due job in batches, one transaction per batch on the lock session.
 */
@Injectable()
export class FiringLoop {
  private readonly logger = new Logger(FiringLoop.name);
  private readonly schedules = new ScheduleCache();
  private wakeSleeper: (() => void) | null = null;
  private wakeRequested = false;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly firing: FiringRepository,
    private readonly workers: WorkerPool,
    private readonly clock: DbClock,
    private readonly metrics: SchedulerMetrics,
  ) {}

  /** A job was created or changed: re-read the earliest due time now. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  /** Runs until the leadership ends. */
  async run(leadership: Leadership): Promise<void> {
    while (!leadership.deposed.aborted) {
      try {
        let fired: number;
        do {
          fired = await this.fireBatch(leadership);
        } while (fired >= this.config.fireBatchSize && !leadership.deposed.aborted);
        if (leadership.deposed.aborted) break;
        const dueAt = await this.firing.earliestDueAt(leadership.session);
        const waitMs =
          dueAt === null
            ? this.config.maxSleepMs
            : Math.min(this.config.maxSleepMs, dueAt - this.config.fireAheadMs - this.clock.now());
        if (waitMs > 0) await this.sleep(waitMs, leadership.deposed);
      } catch (error) {
        if (leadership.deposed.aborted) break;
        this.logger.warn(`firing failed: ${(error as Error).message}`);
        await this.sleep(100, leadership.deposed);
      }
    }
  }

  /** One transaction: lock due jobs, plan, insert executions, advance next_run_at. Returns jobs handled. */
  async fireBatch(leadership: Leadership): Promise<number> {
    const { session, epoch } = leadership;
    let reservation: Reservation = { slots: 0, queued: 0 };
    await session.query('BEGIN');
    try {
      const due = await this.firing.selectDueJobs(session, this.config.fireBatchSize, this.config.fireAheadMs);
      if (due.length === 0) {
        await session.query('COMMIT');
        return 0;
      }
      const planned = due.map((job) => ({ job, plan: this.plan(job) }));
      const guarded = planned
        .filter(({ job, plan }) => job.concurrency !== 'allow' && plan.occurrences.length > 0)
        .map(({ job }) => job);
      const busy = await this.firing.busyJobs(
        session,
        guarded.map((job) => job.id),
      );
      await this.firing.cancelForReplacement(
        session,
        guarded.filter((job) => job.concurrency === 'replace' && busy.has(job.id)).map((job) => job.id),
      );

      const executions = planned.flatMap(({ job, plan }) => this.executionsFor(job, plan, busy.has(job.id)));
      // Handed to this replica's workers in memory: inserted `running` under our lease, no claim.
      const jobs = new Map(due.map((job) => [job.id, job]));
      const runnable = executions.filter((execution) => execution.status === 'pending');
      const atMostOnce = runnable.filter((execution) => jobs.get(execution.jobId)?.execution_type === 'AT_MOST_ONCE');
      const atLeastOnce = runnable.filter((execution) => jobs.get(execution.jobId)?.execution_type !== 'AT_MOST_ONCE');
      reservation = this.workers.reserve(atMostOnce.length, atLeastOnce.length);
      for (const execution of atMostOnce.slice(0, reservation.slots)) execution.status = 'running';
      for (const execution of atLeastOnce.slice(0, reservation.queued)) execution.status = 'running';

      const inserted = await this.firing.insertExecutions(session, this.config.replicaId, epoch, executions);
      await this.firing.advanceJobs(
        session,
        planned.map(({ job, plan }) => ({
          jobId: job.id,
          nextRunAt: plan.nextRunAt,
          unusable: plan.unusable === true,
        })),
      );
      if (inserted.some((row) => row.status === 'pending')) await this.firing.notifyExecutionsReady(session);
      await session.query('COMMIT');
      this.metrics.fired('schedule', inserted.filter((row) => row.status !== 'skipped').length);

      const mine = inserted.flatMap((row) => {
        const job = jobs.get(row.job_id);
        if (row.status !== 'running' || !job || !row.started_at) return [];
        return [executionOf(job, row.id, row.scheduled_for, row.started_at)];
      });
      this.workers.runReserved(mine, reservation);
      return due.length;
    } catch (error) {
      await session.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.workers.unreserve(reservation);
    }
  }

  private plan(job: DueJobRow): OccurrencePlan {
    try {
      const iterator = this.schedules.iteratorFor({
        id: job.id,
        schedule: job.schedule,
        timezone: job.timezone,
        startAt: job.start_at,
        endAt: job.end_at,
      });
      return planOccurrences(
        { nextRunAt: job.next_run_at, misfire: job.misfire, catchUpLimit: job.catch_up_limit },
        iterator,
        new Date(job.db_now.getTime() + this.config.fireAheadMs),
        this.config.misfireToleranceMs,
      );
    } catch (error) {
      // A schedule the engine refuses must not stall the others: pause the job, visibly.
      this.logger.error(`job ${job.id} has an unusable schedule and is paused: ${(error as Error).message}`);
      return { occurrences: [], nextRunAt: null, misfired: false, unusable: true };
    }
  }

  private executionsFor(job: DueJobRow, plan: OccurrencePlan, busy: boolean): NewExecution[] {
    const leaseMs = timeoutOf(job.target, this.config.defaultTimeoutMs) + this.config.leaseMarginMs;
    const last = plan.occurrences.length - 1;
    return plan.occurrences.map((scheduledFor, index): NewExecution => {
      let error: string | null = null;
      if (job.concurrency === 'forbid' && (busy || index > 0)) error = FORBID_SKIP;
      if (job.concurrency === 'replace' && index < last) error = REPLACE_SKIP;
      return { jobId: job.id, scheduledFor, status: error ? 'skipped' : 'pending', leaseMs, error };
    });
  }

  private sleep(ms: number, deposed: AbortSignal): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        deposed.removeEventListener('abort', done);
        this.wakeSleeper = null;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      deposed.addEventListener('abort', done, { once: true });
      this.wakeSleeper = done;
    });
  }
}
