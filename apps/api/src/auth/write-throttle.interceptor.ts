import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { AuthSettings } from './auth-settings';
import type { AuthUser } from './auth-user';
import { TooManyRequestsError } from './auth.errors';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WRITE_THROTTLER = 'writes';

/**
 * Limits each user's writes per replica (AUTH_WRITE_RATE_LIMIT per window), so one client
 * cannot flood the jobs table or the audit trail. An interceptor rather than a guard: it
 * must run after authentication has named the user. A bulk create counts as one write.
 */
@Injectable()
export class WriteThrottleInterceptor implements NestInterceptor {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly settings: AuthSettings,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limit = this.settings.AUTH_WRITE_RATE_LIMIT;
    if (limit === 0 || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    if (READ_METHODS.has(request.method) || !request.user) return next.handle();
    const ttl = this.settings.AUTH_WRITE_RATE_WINDOW_SECONDS * 1000;
    return from(this.storage.increment(`write:${request.user.id}`, ttl, limit, ttl, WRITE_THROTTLER)).pipe(
      switchMap((record) => {
        if (record.isBlocked) throw new TooManyRequestsError(Math.max(1, Math.ceil(record.timeToBlockExpire)));
        return next.handle();
      }),
    );
  }
}
