import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { CancelledExecutionDto, SchedulerStatusDto } from '@zer08/contracts';
import type { AuthUser } from '../auth/auth-user';
import { waitAtMost } from '../common/wait-at-most';
import { CallAborted } from '../executor/abort-reasons';
import { HttpExecutor } from '../executor/http-executor';
import { DbClock } from './db-clock';
import { ExecutionsRepository } from './executions.repository';
import { FiringLoop } from './firing-loop';
import { LeaderElection, Leadership } from './leader-election';
import { NotificationListener } from './notification-listener';
import { HeartbeatRun, ReplicasRepository } from './replicas.repository';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { SchedulerMetrics } from './scheduler-metrics';
import {
  ExecutionAlreadyFinishedError,
  ExecutionNotFoundError,
  InvalidExecutionIdError,
  SchedulerDisabledError,
} from './scheduler.errors';
import { WorkerPool } from './worker-pool';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A replica whose heartbeat is older than this is shown as dead. */
const REPLICA_STALE_MS = 10_000;
/** How long a resigning leader waits for its fire transaction in progress (about 100 ms for 1,000 jobs). */
const FIRE_FINISH_GRACE_MS = 2_000;
/** A logged result older than this that is still in the log was left behind by its writer: the leader folds it. */
const LEFT_BEHIND_RESULT_MS = 5_000;

/**
 * Runs the scheduler on this replica: election, the leader's firing loop and upkeep
 * (lease reaper, history retention), workers, heartbeats; plus runner control, status and
 * cancel for the API.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private dispatching = false;
  private firing: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private retentionRunning = false;
  private lastRetentionAt = 0;
  private shuttingDown = false;
  /** This replica's heartbeats landed without a break (docs/scheduler.md, "A lost replica"); null after a failed one. */
  private beats: HeartbeatRun | null = null;
  /** Heartbeats go on while shutdown drains calls in flight; they stop just before the presence lock is given up. */
  private heartbeatsStopped = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** Heartbeats run one after another, so each lands after the one before it. */
  private heartbeats: Promise<void> = Promise.resolve();

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly election: LeaderElection,
    private readonly firingLoop: FiringLoop,
    private readonly workers: WorkerPool,
    private readonly listener: NotificationListener,
    private readonly executions: ExecutionsRepository,
    private readonly replicas: ReplicasRepository,
    private readonly clock: DbClock,
    private readonly http: HttpExecutor,
    private readonly metrics: SchedulerMetrics,
  ) {
    this.election.onChange((leadership) => this.onLeadership(leadership));
  }

  get replicaId(): string {
    return this.config.replicaId;
  }

  get isDispatching(): boolean {
    return this.dispatching;
  }

  get leadership(): Leadership | null {
    return this.election.current;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.enabled) return;
    await this.http.warmUp().catch((error: Error) => this.logger.warn(`HTTP warm-up failed: ${error.message}`));
    // After the warm-up, not beside it: round trips measured while it runs are slow, and the
    // bound they give would hold every call longer until a tighter sync.
    await this.clock.sync(10);
    this.listener.start({
      jobsChanged: () => {
        this.firingLoop.wake();
        this.workers.wake();
      },
      executionsReady: () => this.workers.wake(),
      executionCancelled: (id) => this.workers.abort(id, new CallAborted('cancelled', 'cancelled')),
      resynchronise: () => {
        this.firingLoop.wake();
        this.workers.wake();
      },
    });
    this.heartbeatTimer = this.every(this.config.heartbeatMs, () => this.heartbeat());
    this.every(this.config.reaperMs, () => this.leaderUpkeep());
    this.every(this.config.clockSyncMs, () => this.clock.sync());
    // A fresh heartbeat before the first claim: a replica restarted under the same REPLICA_ID
    // must not look lost (an old heartbeat, its presence lock not yet taken) with work in hand.
    await this.heartbeat();
    this.startDispatching();
  }

  /** SIGTERM / app.close(): stop claiming and firing, finish or release in-flight work, release the lock. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const heartbeatTimer = this.heartbeatTimer;
    for (const timer of this.timers) if (timer !== heartbeatTimer) clearInterval(timer);
    this.timers = [];
    if (!this.config.enabled) return;
    this.dispatching = false;
    this.workers.stopClaiming();
    await this.resignLeadership();
    await this.workers.drain(this.config.shutdownGraceMs);
    this.heartbeatsStopped = true;
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    // One landing after the row is removed would bring it back, as a replica that looks lost.
    await this.heartbeats;
    await this.listener.stop();
    await this.replicas.remove(this.config.replicaId).catch(() => undefined);
  }

  /** POST /scheduler/start: this replica campaigns for leadership and claims work again. */
  async start(): Promise<SchedulerStatusDto> {
    if (!this.config.enabled) throw new SchedulerDisabledError();
    this.startDispatching();
    await this.heartbeat();
    return this.status();
  }

  /** POST /scheduler/stop: this replica gives up leadership and stops claiming; calls in flight finish. */
  async stop(): Promise<SchedulerStatusDto> {
    if (!this.config.enabled) throw new SchedulerDisabledError();
    this.dispatching = false;
    this.workers.stopClaiming();
    await this.resignLeadership();
    await this.heartbeat();
    return this.status();
  }

  async status(): Promise<SchedulerStatusDto> {
    const snapshot = await this.replicas.snapshot(REPLICA_STALE_MS);
    const leadership = this.election.current;
    return {
      replicaId: this.config.replicaId,
      enabled: this.config.enabled,
      dispatching: this.dispatching,
      isLeader: leadership !== null,
      leaderReplicaId: snapshot.leaderReplica,
      leaderEpoch: snapshot.leaderEpoch,
      electedAt: snapshot.electedAt ? new Date(snapshot.electedAt).toISOString() : null,
      lagMs: snapshot.lagMs,
      pendingExecutions: snapshot.pending,
      runningExecutions: snapshot.running,
      inFlight: this.workers.inFlightCount,
      clockOffsetMs: Math.round(this.clock.offset),
      databaseTime: new Date(snapshot.dbNow).toISOString(),
      replicas: snapshot.replicas.map((replica) => ({
        replicaId: replica.replica_id,
        hostname: replica.hostname,
        pid: replica.pid,
        startedAt: new Date(replica.started_at).toISOString(),
        heartbeatAt: new Date(replica.heartbeat_at).toISOString(),
        isLeader: replica.is_leader,
        dispatching: replica.dispatching,
        alive: replica.alive,
      })),
    };
  }

  /** POST /executions/:id/cancel */
  async cancel(executionId: string, user: AuthUser): Promise<CancelledExecutionDto> {
    if (!UUID.test(executionId)) throw new InvalidExecutionIdError();
    const outcome = await this.executions.cancel(executionId, { id: user.id, isAdmin: user.role === 'admin' });
    if ('refused' in outcome) {
      if (outcome.refused === 'missing') throw new ExecutionNotFoundError();
      throw new ExecutionAlreadyFinishedError(outcome.status ?? 'finished');
    }
    const row = outcome.cancelled;
    // The NOTIFY reaches every replica's listener too; aborting here saves the round trip.
    this.workers.abort(row.id, new CallAborted('cancelled', 'cancelled by user'));
    return {
      id: row.id,
      jobId: row.job_id,
      scheduledFor: new Date(row.scheduled_for).toISOString(),
      attempt: Number(row.attempt),
      status: 'cancelled',
      previousStatus: row.previous_status as 'pending' | 'running',
      finishedAt: new Date(row.finished_at).toISOString(),
    };
  }

  /** One retention pass (the leader runs it every minute, off the firing path). Returns rows deleted. */
  async purgeHistory(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.executions.purgeHistoryBatch(
        this.config.historyRetentionDays,
        this.config.retentionBatchSize,
      );
      deleted += batch;
      if (batch < this.config.retentionBatchSize) return deleted;
    }
  }

  private startDispatching(): void {
    if (this.shuttingDown) return;
    this.dispatching = true;
    this.workers.start();
    this.election.start();
  }

  /**
   * Stands down, lets the fire transaction in progress commit (up to FIRE_FINISH_GRACE_MS),
   * then releases the lock. Ending the lock session first rolled that transaction back: its
   * occurrences waited for the next leader, and Postgres logged an unexpected EOF.
   */
  private async resignLeadership(): Promise<void> {
    await this.election.resign();
    await waitAtMost(this.firing, FIRE_FINISH_GRACE_MS);
    await this.election.stop();
    await this.firing;
  }

  private onLeadership(leadership: Leadership | null): void {
    this.metrics.leadership(leadership?.epoch ?? null);
    void this.heartbeat();
    if (!leadership) return;
    const previous = this.firing ?? Promise.resolve();
    this.firing = previous
      .then(() => this.firingLoop.run(leadership))
      .catch((error: Error) => this.logger.error(`firing loop crashed: ${error.message}`))
      .finally(() => {
        if (this.election.current === null) this.firing = null;
      });
  }

  private async leaderUpkeep(): Promise<void> {
    if (!this.election.current) return;
    // Results whose writer did not fold them (it stopped or crashed first); younger ones are its own.
    // A failed fold leaves them logged (the reaper skips their executions) for the next pass.
    await this.executions
      .foldAllResults(LEFT_BEHIND_RESULT_MS)
      .catch((error: Error) => this.logger.warn(`folding left-behind results failed: ${error.message}`));
    const { abandoned, requeued } = await this.executions.reapLostWork(this.config, this.beats);
    if (abandoned + requeued > 0)
      this.logger.warn(`lost work: ${requeued} re-queued (AT_LEAST_ONCE), ${abandoned} abandoned (AT_MOST_ONCE)`);
    if (!this.retentionRunning && Date.now() - this.lastRetentionAt >= this.config.retentionEveryMs) {
      this.retentionRunning = true;
      this.lastRetentionAt = Date.now();
      void this.purgeHistory()
        .then(() => this.replicas.forgetLongDead())
        .catch((error: Error) => this.logger.warn(`history retention failed: ${error.message}`))
        .finally(() => (this.retentionRunning = false));
    }
  }

  private heartbeat(): Promise<void> {
    this.heartbeats = this.heartbeats.then(() => (this.heartbeatsStopped ? undefined : this.beat()));
    return this.heartbeats;
  }

  private async beat(): Promise<void> {
    await this.replicas
      .heartbeat(this.config.replicaId, this.election.current !== null, this.dispatching)
      .then(({ beatAt, peers }) => {
        const run = this.beats;
        const unbroken = run && beatAt.getTime() - run.last.getTime() <= this.config.replicaLostAfterMs;
        this.beats = { replicaId: this.config.replicaId, since: unbroken ? run.since : beatAt, last: beatAt };
        this.workers.setDispatchingPeers(peers);
      })
      .catch((error: Error) => {
        this.beats = null;
        this.logger.debug(`heartbeat failed: ${error.message}`);
      });
  }

  private every(ms: number, task: () => Promise<void>): NodeJS.Timeout {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((error: Error) => this.logger.debug(`${task.name || 'scheduler task'} failed: ${error.message}`))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
    return timer;
  }
}
