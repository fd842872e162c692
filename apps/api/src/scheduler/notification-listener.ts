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

/**
 * How often the session is checked: it takes the presence lock (at first, or once an older
 * session of ours has let it go), then answers a query. The query also finds a session the server
 * ended while the network was down: an idle LISTEN session would otherwise learn it only
 * from TCP keepalive probes, after a minute or more, and its replica would stay unmarked.
 */
const PRESENCE_CHECK_MS = 1_000;

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
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.presenceTimer = null;
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
        if (this.presenceTimer) clearInterval(this.presenceTimer);
        this.presenceTimer = null;
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
      const checkPresence = this.presenceCheck(session, lost);
      checkPresence();
      this.presenceTimer = setInterval(checkPresence, PRESENCE_CHECK_MS);
    } catch (error) {
      this.logger.warn(`LISTEN session failed: ${(error as Error).message}`);
      this.retry();
    }
  }

  /**
   * The once-a-second check of `session`: it tries the presence lock until the session holds
   * it (an older session of ours may still hold it), then only asks the session to answer. One
   * check at a time, so the lock is never taken twice. A failed query means the session is
   * gone: it is dropped and reconnected.
   */
  private presenceCheck(session: Client, lost: () => void): () => void {
    let held = false;
    let checking = false;
    return () => {
      if (this.session !== session || checking) return;
      checking = true;
      const check = held
        ? session.query<{ held: boolean }>('SELECT true AS held')
        : session.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS held', [
            this.config.presenceLockClass,
            this.config.replicaId,
          ]);
      check
        .then(({ rows }) => (held = rows[0].held))
        .catch((error: Error) => {
          this.logger.warn(`presence check failed (${error.message}); reconnecting`);
          lost();
        })
        .finally(() => (checking = false));
    };
  }

  private retry(): void {
    if (!this.running || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, 250);
  }
}
