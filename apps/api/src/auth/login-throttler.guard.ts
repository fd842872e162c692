import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerOptions } from '@nestjs/throttler';
import type { Request } from 'express';
import { AuthSettings } from './auth-settings';
import { TooManyRequestsError } from './auth.errors';

export const LOGIN_THROTTLERS = { perAccount: 'login-account', perIp: 'login-ip' } as const;

/** Runs before validation, so the body is whatever the client sent. */
function emailOf(request: Request): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

/**
 * Guessing passwords is limited per client IP and email (one account from one place) and
 * per IP (many accounts from one place). Counters are in memory, per replica. Behind a
 * proxy, set Express' `trust proxy` so `req.ip` is the client's address.
 */
export function loginThrottlers(settings: AuthSettings): ThrottlerOptions[] {
  const ttl = settings.AUTH_LOGIN_RATE_WINDOW_SECONDS * 1000;
  return [
    {
      name: LOGIN_THROTTLERS.perAccount,
      ttl,
      limit: settings.AUTH_LOGIN_RATE_LIMIT,
      getTracker: (request) => `${(request as Request).ip ?? ''}|${emailOf(request as Request)}`,
      setHeaders: false,
    },
    {
      name: LOGIN_THROTTLERS.perIp,
      ttl,
      limit: settings.AUTH_LOGIN_IP_RATE_LIMIT,
      getTracker: (request) => (request as Request).ip ?? '',
      setHeaders: false,
    },
  ];
}

/** Put on credential-checking routes with `@UseGuards`; answers 429 problem+json with Retry-After. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new TooManyRequestsError(Math.max(1, Math.ceil(detail.timeToBlockExpire)));
  }
}
