import { DataSource } from 'typeorm';
import { HandlerContext, ScheduledHandler } from './scheduled-handler';

/** Answers with its payload and the execution it ran as: handy to try handler jobs out. */
@ScheduledHandler('echo')
export class EchoHandler {
  handle(payload: unknown, context: HandlerContext) {
    return {
      payload: payload ?? null,
      jobId: context.jobId,
      scheduledFor: context.scheduledFor.toISOString(),
      attempt: context.attempt,
    };
  }
}

/** Waits `payload.ms` (default 1000) and honours cancel/timeout: a stand-in for slow work. */
@ScheduledHandler('sleep')
export class SleepHandler {
  handle(payload: unknown, context: HandlerContext): Promise<{ sleptMs: number }> {
    const ms = Number((payload as { ms?: unknown } | null)?.ms ?? 1_000);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ sleptMs: ms }), ms);
      context.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(context.signal.reason);
      });
    });
  }
}

/** Deletes refresh tokens that expired more than `payload.olderThanDays` (default 7) days ago. */
@ScheduledHandler('cleanup-expired-refresh-tokens')
export class CleanupExpiredRefreshTokensHandler {
  constructor(private readonly dataSource: DataSource) {}

  async handle(payload: unknown): Promise<{ deleted: number }> {
    const days = Number((payload as { olderThanDays?: unknown } | null)?.olderThanDays ?? 7);
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM refresh_tokens WHERE expires_at < now() - make_interval(days => $1::int)`,
      [Number.isFinite(days) && days >= 0 ? Math.floor(days) : 7],
    );
    return { deleted: result[1] ?? 0 };
  }
}
