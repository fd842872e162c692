import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { closeSession, openSession } from './pg-session';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';

export const JOBS_CHANGED_CHANNEL = 'zer08_jobs_changed';
export const EXECUTIONS_READY_CHANNEL = 'zer08_executions_ready';
export const EXECUTIONS_CANCELLED_CHANNEL = 'zer08_executions_cancelled';
/** The jobs module announces manual triggers here (payload: the job id). */
export const EXECUTIONS_PENDING_CHANNEL = 'zer08_executions_pending';

export interface NotificationHandlers {
  jobsChanged(): void;
  executionsReady(): void;
  executionCancelled(executionId: string): void;
  /** After a reconnect: notifications may have been missed, so look at everything again. */
  resynchronise(): void;
}

/** How often a session that could not take the presence lock tries again (the holder is an older session of ours the server has not dropped yet). */
const PRESENCE_RETRY_MS = 1_000;

/**
 * One dedicated session per replica, reconnected by itself when it drops: it LISTENs, and it
 * holds the replica's presence lock (docs/scheduler.md, "A lost replica"). It lives from
 * bootstrap to the very end of shutdown, after the calls in flight are finished or released,
 * so a free presence lock means the replica's process or its way to the database is gone.
 */
@Injectable()
export class NotificationListener {
  private readonly logger = new Logger(NotificationListener.name);
  private session: Client | null = null;
  private handlers: NotificationHandlers | null = null;
  private running = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;

  constructor(@Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig) {}

  start(handlers: NotificationHandlers): void {
    this.handlers = handlers;
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    const session = this.session;
    this.session = null;
    await closeSession(session);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    try {
      const session = await openSession({
        databaseUrl: this.config.databaseUrl,
        applicationName: `zer08-listen:${this.config.replicaId}`.slice(0, 63),
      });
      const lost = () => {
        if (this.session !== session) return;
        this.session = null;
        void closeSession(session);
        this.retry();
      };
      session.on('error', lost);
      session.on('end', lost);
      session.on('notification', (message) => {
        const handlers = this.handlers;
        if (!handlers) return;
        if (message.channel === JOBS_CHANGED_CHANNEL) handlers.jobsChanged();
        else if (message.channel === EXECUTIONS_READY_CHANNEL || message.channel === EXECUTIONS_PENDING_CHANNEL)
          handlers.executionsReady();
        else if (message.channel === EXECUTIONS_CANCELLED_CHANNEL && message.payload)
          handlers.executionCancelled(message.payload);
      });
      await session.query(
        `LISTEN ${JOBS_CHANGED_CHANNEL}; LISTEN ${EXECUTIONS_READY_CHANNEL}; LISTEN ${EXECUTIONS_CANCELLED_CHANNEL}; LISTEN ${EXECUTIONS_PENDING_CHANNEL}`,
      );
      if (!this.running) {
        await closeSession(session);
        return;
      }
      this.session = session;
      this.handlers?.resynchronise();
      this.holdPresence(session);
    } catch (error) {
      this.logger.warn(`LISTEN session failed: ${(error as Error).message}`);
      this.retry();
    }
  }

  /** Takes the presence lock on `session`; while it cannot (another session holds it, or the query failed), tries again every PRESENCE_RETRY_MS. */
  private holdPresence(session: Client): void {
    this.presenceTimer = null;
    if (this.session !== session) return;
    session
      .query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
        this.config.presenceLockClass,
        this.config.replicaId,
      ])
      .then(
        ({ rows }) => rows[0].locked,
        (error: Error) => {
          this.logger.warn(`presence lock: ${error.message}`);
          return false;
        },
      )
      .then((locked) => {
        if (locked || this.session !== session || !this.running) return;
        this.presenceTimer = setTimeout(() => this.holdPresence(session), PRESENCE_RETRY_MS);
      });
  }

  private retry(): void {
    if (!this.running || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, 250);
  }
}
