import { Inject, Injectable, Logger } from '@nestjs/common';
import { waitAtMost } from '../common/wait-at-most';
import { CallAborted } from '../executor/abort-reasons';
import { CallControl } from '../executor/call-control';
import { HandlerExecutor } from '../executor/handler-executor';
import { HttpExecutor } from '../executor/http-executor';
import { executionLogFields } from '../logging/execution-log';
import { LogRateLimit } from '../logging/log-rate-limit';
import { LocalQueue } from './local-queue';
import { DbClock } from './db-clock';
import { ExecutionsRepository, FinishedExecution } from './executions.repository';
import { retryDelayMs } from './retry-policy';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { SchedulerMetrics } from './scheduler-metrics';
import { ClaimedExecution, ExecutionOutcome } from './scheduler.types';

interface InFlightCall {
  execution: ClaimedExecution;
  control: CallControl;
  /** It waited in the local queue: its claim is not its start, so `calledAtMs` is written as `started_at`. */
  waitedInQueue: boolean;
  /** Its real start (whole DB-clock ms), once called, when it waited in the local queue. */
  calledAtMs?: number;
}

/** Slots and queue places the local leader holds for the executions its fire transaction is inserting. */
export interface Reservation {
  /** AT_MOST_ONCE: only as many as there are free slots, so none waits in the local queue. */
  slots: number;
  /** AT_LEAST_ONCE: free slots plus places in the local queue. */
  queued: number;
}

const MAX_RESULTS_PER_WRITE = 2_000;
/** How long results may wait to be written while calls are still queued locally. */
const FLUSH_HOLD_MS = 100;
/**
 * With other replicas dispatching, the local leader hands this replica up to
 * max(this × WORKER_CONCURRENCY, calls it finished in the last second) executions (in flight
 * + queued): about a second of work, so a burst skips the claim round trip while the other
 * replicas still find the rest pending.
 */
const LOCAL_QUEUE_FACTOR = 4;
/**
 * Alone (no other replica dispatching), it keeps up to the larger of this × WORKER_CONCURRENCY
 * and ALONE_QUEUE_LIMIT: nobody else would take them, so a claim round trip would be pure cost.
 */
const ALONE_QUEUE_FACTOR = 50;
/** Executions (about 1 KB of heap each) a replica alone may hold locally whatever its concurrency. */
const ALONE_QUEUE_LIMIT = 50_000;
/**
 * The result log is folded once this replica has appended nothing for FOLD_QUIET_MS and has
 * no call waiting in its local queue (recording comes first: a fold is as costly as the
 * in-place result writes it replaces), and at the latest FOLD_DEFER_MAX_MS after a result
 * was appended. While calls wait in the local queue they are due and late: the deadline
 * counts from when the queue last held any (FOLD_DEFER_BUSY_MAX_MS after the append at the
 * most, where the leader's upkeep folds results left behind anyway), so a burst's fold
 * waits for its last round of calls and their append, not only for its queue.
 */
const FOLD_QUIET_MS = 100;
const FOLD_DEFER_MAX_MS = 1_000;
const FOLD_DEFER_BUSY_MAX_MS = 5_000;
/** Completions are counted over windows of this length; the rate is the last full window's, per second. */
const RATE_WINDOW_MS = 250;

/**
 * This replica's workers: up to WORKER_CONCURRENCY calls in flight. Work arrives two ways:
 * in memory from the local leader (already `running` under our lease, committed by the
 * fire transaction) or claimed from the queue when NOTIFY, a poll or a freed slot says
 * there may be some. Results are written in batches by one flusher.
 */
@Injectable()
export class WorkerPool {
  private readonly logger = new Logger(WorkerPool.name);
  private readonly failureLines = new LogRateLimit(100);
  private readonly inFlight = new Map<string, InFlightCall>();
  private reservedSlots = 0;
  private reservedQueued = 0;
  /** Executions the local leader committed `running` for this replica that wait for a free slot (FIFO). */
  private readonly queued = new LocalQueue();
  private rateWindowStart = 0;
  private rateWindowCount = 0;
  private finishedPerSecond = 0;
  /** Other replicas alive and dispatching, from the last heartbeat; unknown counts as some. */
  private dispatchingPeers = Number.POSITIVE_INFINITY;
  private claiming = false;
  private claimRequested = false;
  private moreQueued = false;
  private dispatching = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private results: FinishedExecution[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private appendMayRepeat = false;
  private foldTimer: NodeJS.Timeout | null = null;
  private lastAppendAt = 0;
  private folding: Promise<void> | null = null;
  private foldAgain = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly executions: ExecutionsRepository,
    private readonly http: HttpExecutor,
    private readonly handlers: HandlerExecutor,
    private readonly clock: DbClock,
    private readonly metrics: SchedulerMetrics,
  ) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get queuedCount(): number {
    return this.queued.size;
  }

  get isClaiming(): boolean {
    return this.dispatching;
  }

  start(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    this.pollTimer = setInterval(() => this.wake(), this.config.claimPollMs);
    this.renewTimer ??= setInterval(() => void this.renewLeases(), this.config.leaseRenewMs);
    this.wake();
  }

  /** From each heartbeat: how many other replicas would claim what the local leader leaves pending. */
  setDispatchingPeers(count: number): void {
    const joined = this.dispatchingPeers === 0 && count > 0;
    this.dispatchingPeers = count;
    if (joined) void this.releaseExcessQueued();
  }

  /** Stops taking new work; calls in flight go on. */
  stopClaiming(): void {
    this.dispatching = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  /**
   * Reserves room for executions the local leader is about to create as `running` for this
   * replica: AT_MOST_ONCE ones only in free slots (one never waits here, where a crash would
   * abandon it uncalled), AT_LEAST_ONCE ones also in the local queue, up to about a second of work.
   */
  reserve(atMostOnce: number, atLeastOnce: number): Reservation {
    if (!this.dispatching) return { slots: 0, queued: 0 };
    const slots = Math.max(0, Math.min(atMostOnce, this.freeSlots()));
    this.reservedSlots += slots;
    const room = this.localLimit() - this.inFlight.size - this.queued.size - this.reservedSlots - this.reservedQueued;
    const queued = Math.max(0, Math.min(atLeastOnce, room));
    this.reservedQueued += queued;
    return { slots, queued };
  }

  unreserve(reservation: Reservation): void {
    this.reservedSlots = Math.max(0, this.reservedSlots - reservation.slots);
    this.reservedQueued = Math.max(0, this.reservedQueued - reservation.queued);
    reservation.slots = 0;
    reservation.queued = 0;
  }

  /**
   * Runs executions that the fire transaction committed as `running` for this replica:
   * AT_MOST_ONCE ones at once (their slots were reserved), the others as slots free up.
   */
  runReserved(executions: ClaimedExecution[], reservation: Reservation): void {
    this.unreserve(reservation);
    // Fired ahead of their instant: build the requests now, while there is time to spare.
    for (const execution of executions) this.http.prepare(execution);
    for (const execution of executions) {
      if (execution.executionType === 'AT_MOST_ONCE') this.launch(execution);
    }
    for (const execution of executions) {
      if (execution.executionType !== 'AT_MOST_ONCE') this.queued.add(execution);
    }
    this.pump();
  }

  /** Something may be queued: claim as much as free slots allow (coalesced). */
  wake(): void {
    if (!this.dispatching) return;
    if (this.claiming) {
      this.claimRequested = true;
      return;
    }
    this.claiming = true;
    void this.claimWhileFree().finally(() => {
      this.claiming = false;
      if (this.claimRequested) {
        this.claimRequested = false;
        this.wake();
      }
    });
  }

  /** Aborts a call running here (cancel, replace); its outcome is dropped. */
  abort(executionId: string, reason: CallAborted): boolean {
    // Not started yet: the cancel (or replacement) already changed the row; just never call it.
    if (this.queued.delete(executionId)) return true;
    const call = this.inFlight.get(executionId);
    if (!call) return false;
    call.control.abort(reason);
    return true;
  }

  /**
   * Shutdown: waits for calls in flight up to `graceMs`, then aborts the rest and hands
   * them back (AT_LEAST_ONCE to the queue, AT_MOST_ONCE closed as abandoned), and writes
   * every result still buffered.
   */
  async drain(graceMs: number): Promise<void> {
    this.stopClaiming();
    // Never started here: back to the queue (any type) at once, so another replica runs them.
    const unstarted = this.queued.ids();
    this.queued.clear();
    if (unstarted.length > 0) {
      await this.executions
        .releaseUnstarted(this.config.replicaId, unstarted)
        .catch((error: Error) => this.logger.error(`could not release queued executions: ${error.message}`));
    }
    if (this.inFlight.size > 0 && graceMs > 0) {
      await waitAtMost(new Promise<void>((resolve) => this.idleWaiters.push(resolve)), graceMs);
    }
    const unfinished = [...this.inFlight.values()];
    for (const call of unfinished) call.control.abort(new CallAborted('released', 'replica shutting down'));
    await this.flushAll();
    if (this.foldTimer) clearTimeout(this.foldTimer);
    this.foldTimer = null;
    await this.foldAll();
    if (unfinished.length > 0) {
      await this.executions
        .releaseUnfinished(
          this.config.replicaId,
          unfinished.map((call) => call.execution.id),
        )
        .catch((error: Error) => this.logger.error(`could not release unfinished executions: ${error.message}`));
    }
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }

  /** Writes buffered results until none are left or the database keeps failing. */
  async flushAll(attempts = 20): Promise<void> {
    for (let i = 0; i < attempts && (this.results.length > 0 || this.flushing); i++) {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = null;
      await (this.flushing ?? this.flush());
      if (this.results.length > 0 && i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async claimWhileFree(): Promise<void> {
    while (this.dispatching) {
      const free = this.freeSlots();
      if (free <= 0) {
        this.moreQueued = true;
        return;
      }
      const wanted = Math.min(free, this.config.claimBatchSize);
      let claimed: ClaimedExecution[];
      try {
        claimed = await this.executions.claim(
          this.config.replicaId,
          wanted,
          this.config.leaseMarginMs,
          this.config.defaultTimeoutMs,
        );
      } catch (error) {
        this.logger.warn(`claim failed: ${(error as Error).message}`);
        return;
      }
      for (const execution of claimed) this.launch(execution);
      this.moreQueued = claimed.length === wanted;
      if (!this.moreQueued) return;
    }
  }

  /** Starts queued executions while slots are free; when the queue runs dry, looks for pending work. */
  private pump(): void {
    if (this.queued.size === 0) return;
    while (this.queued.size > 0 && this.inFlight.size + this.reservedSlots < this.config.workerConcurrency) {
      const execution = this.queued.shift();
      if (execution) this.launch(execution, true);
    }
    if (this.queued.size === 0) this.wake();
  }

  /**
   * Peers started dispatching while this replica held a queue sized for being alone: the
   * newest queued executions beyond the shared-work limit go back to `pending` for them.
   */
  private async releaseExcessQueued(): Promise<void> {
    const excess = this.inFlight.size + this.queued.size - this.localLimit();
    if (excess <= 0) return;
    const newest = this.queued.takeNewest(excess);
    await this.executions
      .releaseUnstarted(this.config.replicaId, newest)
      .catch((error: Error) => this.logger.error(`could not release queued executions: ${error.message}`));
  }

  private localLimit(): number {
    if (this.dispatchingPeers === 0)
      return Math.max(ALONE_QUEUE_FACTOR * this.config.workerConcurrency, ALONE_QUEUE_LIMIT);
    const recent = Date.now() - this.rateWindowStart < 2 * RATE_WINDOW_MS ? this.finishedPerSecond : 0;
    return Math.max(LOCAL_QUEUE_FACTOR * this.config.workerConcurrency, recent);
  }

  private countFinished(): void {
    const now = Date.now();
    if (now - this.rateWindowStart >= RATE_WINDOW_MS) {
      const elapsed = now - this.rateWindowStart;
      this.finishedPerSecond = elapsed < 2 * RATE_WINDOW_MS ? Math.round((this.rateWindowCount * 1_000) / elapsed) : 0;
      this.rateWindowStart = now;
      this.rateWindowCount = 0;
    }
    this.rateWindowCount += 1;
  }

  private launch(execution: ClaimedExecution, fromQueue = false): void {
    const control = new CallControl();
    const entry: InFlightCall = { execution, control, waitedInQueue: fromQueue };
    this.inFlight.set(execution.id, entry);
    const now = this.clock.now();
    // Fired ahead of its instant (fireAheadMs): hold the call until it is due, by the database
    // clock, plus the error bound of our estimate of that clock: never early.
    const notBefore = execution.scheduledFor.getTime() + Math.ceil(this.clock.uncertaintyMs);
    if (now >= notBefore) return this.call(execution, control, entry, now);
    const abortedWhileWaiting = () => {
      clearTimeout(timer);
      this.finish(execution, control, {
        status: 'failed',
        error: 'aborted before its scheduled instant',
        finishedAt: new Date(this.clock.now()),
        durationMs: 0,
      });
    };
    let timer: NodeJS.Timeout;
    const callWhenDue = () => {
      const dueCheckedAt = this.clock.now();
      if (dueCheckedAt < notBefore) {
        timer = setTimeout(callWhenDue, notBefore - dueCheckedAt);
        return;
      }
      control.onAbort(undefined);
      this.call(execution, control, entry, dueCheckedAt);
    };
    timer = setTimeout(callWhenDue, notBefore - now);
    control.onAbort(abortedWhileWaiting);
  }

  /** `now`: the DB-clock time the caller just read (one read per call on the hot path). */
  private call(execution: ClaimedExecution, control: CallControl, entry: InFlightCall, now: number): void {
    if (control.aborted) return;
    if (entry.waitedInQueue) entry.calledAtMs = calledAtMs(execution, now);
    this.metrics.callStarted(execution, now);
    if (execution.target?.kind === 'http') {
      try {
        this.http.start(execution, control, (outcome) => this.finish(execution, control, outcome));
      } catch (error) {
        const outcome = this.crashed(execution, error as Error);
        queueMicrotask(() => this.finish(execution, control, outcome));
      }
      return;
    }
    const executor = execution.target?.kind === 'handler' ? this.handlers : null;
    const run = executor
      ? executor.run(execution, control)
      : Promise.resolve<ExecutionOutcome>({
          status: 'failed',
          error: `unknown target kind '${String((execution.target as { kind?: unknown })?.kind)}'`,
          finishedAt: new Date(this.clock.now()),
          durationMs: 0,
        });
    void run
      .catch((error: Error) => this.crashed(execution, error))
      .then((outcome) => this.finish(execution, control, outcome));
  }

  private crashed(execution: ClaimedExecution, error: Error): ExecutionOutcome {
    this.logger.error({ msg: 'executor crashed', ...executionLogFields(execution) }, error.stack);
    return {
      status: 'failed',
      error: `executor crashed: ${error.message}`,
      finishedAt: new Date(this.clock.now()),
      durationMs: 0,
    };
  }

  private finish(execution: ClaimedExecution, control: CallControl, outcome: ExecutionOutcome): void {
    const calledAtMs = this.inFlight.get(execution.id)?.calledAtMs;
    this.inFlight.delete(execution.id);
    this.countFinished();
    const droppedByAbort = control.aborted && control.reason?.reason !== 'timeout';
    if (!droppedByAbort) {
      this.metrics.callFinished(execution, outcome);
      const retry =
        outcome.status !== 'succeeded' && execution.executionType === 'AT_LEAST_ONCE'
          ? retryDelayMs(execution.retry, execution.attempt)
          : null;
      // Successes are not logged one by one, failures at most 100 a second: at scheduler
      // rates either would drown the log (the metrics count every one).
      const line = outcome.status === 'succeeded' ? undefined : this.failureLines.take();
      if (line?.write) {
        this.logger.warn({
          msg: `execution ${outcome.status}${retry === null ? '' : `, retry in ${retry} ms`}`,
          ...executionLogFields(execution),
          status: outcome.status,
          httpStatus: outcome.httpStatus,
          error: outcome.error,
          retryDelayMs: retry,
          ...(line.heldBack > 0 ? { failuresNotLogged: line.heldBack } : {}),
        });
      }
      this.results.push({ execution, outcome, retryDelayMs: retry, calledAtMs });
      this.scheduleFlush();
    }
    this.pump();
    if (this.inFlight.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    // With work queued, claim again once a worthwhile batch of slots is free: one claim
    // per completed call would cost a round trip per execution at high rates.
    if (this.moreQueued && this.freeSlots() >= this.claimThreshold) this.wake();
  }

  private get claimThreshold(): number {
    return Math.max(1, Math.min(this.config.claimBatchSize, Math.floor(this.config.workerConcurrency / 8)));
  }

  /** Slots a claim may fill: none while the local queue or a reservation waits for them. */
  private freeSlots(): number {
    return (
      this.config.workerConcurrency - this.inFlight.size - this.queued.size - this.reservedSlots - this.reservedQueued
    );
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    // Nothing else is running or waiting here: no later result to wait for.
    if (this.inFlight.size === 0 && this.queued.size === 0) {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = null;
      void this.flush();
      return;
    }
    if (this.flushTimer) return;
    // A few milliseconds of patience turns a burst of completions into one statement. While
    // more than a round of calls still waits in the local queue, up to FLUSH_HOLD_MS more:
    // building and sending the statement would take event-loop time from starting them. The
    // last round is not held, so the burst's final statement is a small one.
    const firstAt = Date.now();
    const tick = () => {
      const held = Date.now() - firstAt;
      const moreThanARoundQueued = this.queued.size > this.config.workerConcurrency;
      if (moreThanARoundQueued && held < FLUSH_HOLD_MS && this.results.length < MAX_RESULTS_PER_WRITE) {
        this.flushTimer = setTimeout(tick, 10);
        return;
      }
      this.flushTimer = null;
      void this.flush();
    };
    this.flushTimer = setTimeout(tick, 5);
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const batch = this.results.splice(0, MAX_RESULTS_PER_WRITE);
    if (batch.length === 0) return Promise.resolve();
    this.flushing = this.executions
      .writeResults(this.config.replicaId, batch, this.appendMayRepeat)
      .then(
        () => {
          this.appendMayRepeat = false;
          this.metrics.resultsWritten(batch.map((result) => result.outcome.status));
          this.scheduleFold();
        },
        (error: Error) => {
          // Keep them: leases are renewed for buffered results too, so nothing expires meanwhile.
          // The append may have committed without our hearing of it: the next one skips what is logged.
          this.appendMayRepeat = true;
          this.results.unshift(...batch);
          this.logger.warn(`writing ${batch.length} results failed, will retry: ${error.message}`);
          return new Promise<void>((resolve) => setTimeout(resolve, 250));
        },
      )
      .finally(() => {
        this.flushing = null;
        if (this.results.length > 0) this.scheduleFlush();
      });
    return this.flushing;
  }

  /**
   * Folds the result log into the executions once this replica is between calls (nothing
   * queued locally, nothing left to append), or at the deadline (see FOLD_DEFER_MAX_MS).
   */
  private scheduleFold(): void {
    this.lastAppendAt = Date.now();
    if (this.foldTimer) return;
    const firstAt = this.lastAppendAt;
    /** The first append, or later, the last time the local queue was seen holding calls. */
    let deferFrom = firstAt;
    const tick = () => {
      const now = Date.now();
      if (this.queued.size > 0) deferFrom = now;
      const appending = this.flushing !== null || this.results.length > 0;
      const quietFor = appending ? 0 : now - this.lastAppendAt;
      const deadline = Math.min(firstAt + FOLD_DEFER_BUSY_MAX_MS, deferFrom + FOLD_DEFER_MAX_MS);
      const waitFor = Math.min(this.queued.size > 0 ? FOLD_QUIET_MS : FOLD_QUIET_MS - quietFor, deadline - now);
      if (waitFor > 0) {
        this.foldTimer = setTimeout(tick, waitFor);
        return;
      }
      this.foldTimer = null;
      void this.foldAll();
    };
    this.foldTimer = setTimeout(tick, FOLD_QUIET_MS);
  }

  /** Folds until the log is empty; one fold at a time here (a request meanwhile runs another pass). */
  private foldAll(): Promise<void> {
    if (this.folding) {
      this.foldAgain = true;
      return this.folding;
    }
    this.folding = (async () => {
      do {
        this.foldAgain = false;
        await this.executions.foldAllResults();
      } while (this.foldAgain);
    })()
      .catch((error: Error) => {
        // Logged results are durable: the next append, or the leader's upkeep, folds them.
        this.logger.warn(`folding results failed, will retry: ${error.message}`);
      })
      .finally(() => {
        this.folding = null;
      });
    return this.folding;
  }

  /**
   * Renews the leases of the calls held here (in flight, queued, result not yet written)
   * that may expire within margin + two periods, to margin + three periods: as much slack at
   * every renewal as before, but fresh leases are not rewritten every period, and those
   * known to run further (a burst's queue, fired seconds ahead) are not even sent.
   */
  private async renewLeases(): Promise<void> {
    const extendByMs = this.config.leaseMarginMs + this.config.leaseRenewMs * 3;
    const renewWithinMs = this.config.leaseMarginMs + this.config.leaseRenewMs * 2;
    const sentAt = this.clock.now();
    const uncertaintyMs = this.clock.uncertaintyMs;
    const horizon = sentAt + uncertaintyMs + renewWithinMs;
    const due: ClaimedExecution[] = [];
    const collect = (execution: ClaimedExecution) => {
      if (execution.leaseHeldUntilMs < horizon) due.push(execution);
    };
    for (const call of this.inFlight.values()) collect(call.execution);
    this.queued.forEach(collect);
    for (const result of this.results) collect(result.execution);
    if (due.length === 0) return;
    try {
      await this.executions.renewLeases(
        this.config.replicaId,
        due.map((execution) => execution.id),
        extendByMs,
        renewWithinMs,
      );
      // Renewed (to at least sentAt + extendByMs) or left alone (already beyond sentAt + renewWithinMs).
      const heldUntil = sentAt - uncertaintyMs + Math.min(extendByMs, renewWithinMs);
      for (const execution of due) execution.leaseHeldUntilMs = Math.max(execution.leaseHeldUntilMs, heldUntil);
    } catch (error) {
      this.logger.warn(`lease renewal failed: ${(error as Error).message}`);
    }
  }
}

/** A queued call's real start: now (DB clock), never before its claim, in whole ms (an int8 column). */
function calledAtMs(execution: ClaimedExecution, nowMs: number): number {
  return Math.floor(Math.max(nowMs, execution.startedAt.getTime()));
}
