import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { closeSession, openSession } from './pg-session';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { SchedulerMetrics } from './scheduler-metrics';

/** Leadership as the firing loop sees it: the lock session and a signal that fires on stand-down. */
export interface Leadership {
  epoch: number;
  session: Client;
  deposed: AbortSignal;
}

type LeadershipListener = (leadership: Leadership | null) => void;

/**
 * Leader election on a session advisory lock. Every replica tries `pg_try_advisory_lock`
 * on its own dedicated session every LEADER_POLL_MS; the holder bumps the leader epoch.
 * The lock lives exactly as long as that session, so the instant the session errors or
 * ends this replica stands down, and Postgres has already freed the lock for the others.
 * The firing loop runs its transactions on the same session: a deposed leader's
 * transactions die with it and can never commit.
 */
@Injectable()
export class LeaderElection {
  private readonly logger = new Logger(LeaderElection.name);
  private session: Client | null = null;
  private leadership: (Leadership & { controller: AbortController }) | null = null;
  private readonly listeners: LeadershipListener[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private running = false;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly metrics: SchedulerMetrics,
  ) {}

  get current(): Leadership | null {
    return this.leadership;
  }

  onChange(listener: LeadershipListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /**
   * Stops campaigning and stands down, but keeps the session and so the lock: a fire
   * transaction in progress on it can still commit. `stop` then gives the lock up.
   */
  async resign(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    this.standDown('stopped');
  }

  /** Stops campaigning and gives the lock up by ending the session. */
  async stop(): Promise<void> {
    await this.resign();
    const session = this.session;
    this.session = null;
    this.metrics.lockSession(false);
    await closeSession(session);
  }

  /** Test seam and diagnostics: the backend pid of the lock session. */
  async sessionPid(): Promise<number | null> {
    const session = this.session;
    if (!session) return null;
    const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return rows[0].pid;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        this.schedule(this.config.leaderPollMs);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.leadership) return;
    try {
      const session = this.session ?? (await this.connect());
      const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        this.config.leaderLockKey,
      ]);
      if (!rows[0].locked) return;
      if (!this.running || session !== this.session) {
        await session.query('SELECT pg_advisory_unlock($1)', [this.config.leaderLockKey]);
        return;
      }
      const { rows: state } = await session.query<{ epoch: string }>(
        `UPDATE scheduler_state SET leader_epoch = leader_epoch + 1, leader_replica = $1, elected_at = clock_timestamp()
         WHERE id = 1 RETURNING leader_epoch::text AS epoch`,
        [this.config.replicaId],
      );
      const controller = new AbortController();
      this.leadership = { epoch: Number(state[0].epoch), session, deposed: controller.signal, controller };
      this.logger.log(`replica ${this.config.replicaId} leads (epoch ${this.leadership.epoch})`);
      this.emit(this.leadership);
    } catch (error) {
      this.logger.warn(`leader election: ${(error as Error).message}`);
      this.dropSession(this.session);
    }
  }

  private async connect(): Promise<Client> {
    const session = await openSession({
      databaseUrl: this.config.databaseUrl,
      applicationName: `zer08-leader:${this.config.replicaId}`.slice(0, 63),
      // The leader queries at least every maxSleepMs and followers every poll: a frozen
      // process (SIGSTOP, swap storm) loses its lock after this long.
      idleSessionTimeoutMs: Math.max(5_000, this.config.leaderPollMs * 4, this.config.maxSleepMs * 4),
    });
    const lost = (reason: string) => () => {
      if (this.session === session) {
        this.logger.warn(`leader session lost (${reason}); standing down`);
        this.dropSession(session);
      }
    };
    session.on('error', lost('error'));
    session.on('end', lost('end'));
    this.session = session;
    this.metrics.lockSession(true);
    return session;
  }

  private dropSession(session: Client | null): void {
    if (session && this.session === session) this.session = null;
    if (!this.session) this.metrics.lockSession(false);
    this.standDown('session lost');
    void closeSession(session);
  }

  private standDown(reason: string): void {
    const leadership = this.leadership;
    if (!leadership) return;
    this.leadership = null;
    leadership.controller.abort(new Error(reason));
    this.logger.log(`replica ${this.config.replicaId} stands down (${reason})`);
    this.emit(null);
  }

  private emit(leadership: Leadership | null): void {
    for (const listener of this.listeners) listener(leadership);
  }
}
