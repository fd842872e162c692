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
/** How many jobs due at the next instant the leader counts to size a burst's early start. */
const BURST_COUNT_LIMIT = 100_000;
const MIN_JOBS_FOR_COST = 200;
/**
 * Fire transaction time per job assumed before any batch was measured: a 20,000-job burst
 * fired alone measured 0.05 ms a job on one 2-core machine and 0.105 on another; a replica's
 * first burst after start must not start too late on the slower kind.
 */
const INITIAL_FIRE_COST_PER_JOB_MS = 0.12;
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
  /** The next instant many jobs share, and when to start firing them (database clock, epoch ms). */
  private burst: { dueAtMs: number; fromMs: number } | null = null;
  /** Fire transaction time per job (moving average of batches of MIN_JOBS_FOR_COST or more). */
  private fireCostPerJobMs = INITIAL_FIRE_COST_PER_JOB_MS;
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
        let firedInPass = 0;
        const burstPass = this.burst !== null && this.clock.now() >= this.burst.fromMs;
        do {
          fired = await this.fireBatch(leadership);
          firedInPass += fired;
        } while (fired >= this.config.fireBatchSize && !leadership.deposed.aborted);
        this.burst = null;
        // A burst whose jobs are all locked by someone else: do not spin until they are free.
        if (burstPass && firedInPass === 0) await this.sleep(50, leadership.deposed);
        if (leadership.deposed.aborted) break;
        const due = await this.firing.earliestDue(
          leadership.session,
          BURST_COUNT_LIMIT,
          this.config.burstFireAheadMaxMs + this.config.maxSleepMs,
        );
        let waitMs = this.config.maxSleepMs;
        if (due !== null) {
          const aheadMs = this.aheadOf(due.dueTogether);
          if (aheadMs > this.config.fireAheadMs) this.burst = { dueAtMs: due.dueAtMs, fromMs: due.dueAtMs - aheadMs };
          waitMs = Math.min(waitMs, due.dueAtMs - aheadMs - this.clock.now());
        }
        if (waitMs > 0) await this.sleep(waitMs, leadership.deposed);
      } catch (error) {
        if (leadership.deposed.aborted) break;
        this.logger.warn(`firing failed: ${(error as Error).message}`);
        await this.sleep(100, leadership.deposed);
      }
    }
  }

  /**
   * How long before an instant to start firing the `dueTogether` jobs due at it: the usual
   * fireAheadMs, or, for more than fit in it, the time firing them is expected to take (the
   * measured cost per job, with half again as margin), at most burstFireAheadMaxMs.
   */
  private aheadOf(dueTogether: number): number {
    const expectedMs = dueTogether * this.fireCostPerJobMs * 1.5;
    return Math.round(Math.min(this.config.burstFireAheadMaxMs, Math.max(this.config.fireAheadMs, expectedMs)));
  }

  /** How far ahead this batch fires: fireAheadMs, or up to the burst's instant once its early start has come. */
  private currentAheadMs(): number {
    const now = this.clock.now();
    if (this.burst && now >= this.burst.fromMs)
      return Math.max(this.config.fireAheadMs, Math.ceil(this.burst.dueAtMs - now));
    return this.config.fireAheadMs;
  }

  /** One transaction: lock due jobs, plan, insert executions, advance next_run_at. Returns jobs handled. */
  async fireBatch(leadership: Leadership): Promise<number> {
    const { session, epoch } = leadership;
    let reservation: Reservation = { slots: 0, queued: 0 };
    const aheadMs = this.currentAheadMs();
    const startedAt = performance.now();
    await session.query('BEGIN');
    try {
      const due = await this.firing.selectDueJobs(session, this.config.fireBatchSize, aheadMs, this.config.fireAheadMs);
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
      if (due.length >= MIN_JOBS_FOR_COST) {
        const costPerJobMs = (performance.now() - startedAt) / due.length;
        this.fireCostPerJobMs = 0.7 * this.fireCostPerJobMs + 0.3 * costPerJobMs;
      }

      const mine = inserted.flatMap((row) => {
        const job = jobs.get(row.job_id);
        if (row.status !== 'running' || !job || !row.started_at || row.lease_expires_ms === null) return [];
        return [executionOf(job, row.id, row.scheduled_for, row.started_at, Number(row.lease_expires_ms))];
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
        // Within fireAheadMs every occurrence due is fired; a job fired earlier (a burst) fires
        // only its next one.
        new Date(Math.max(job.db_now.getTime() + this.config.fireAheadMs, job.next_run_at.getTime())),
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
