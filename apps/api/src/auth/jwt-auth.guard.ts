import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Response } from 'express';
import { DomainError } from '../common/problem';
import { AuthUser, IS_PUBLIC_ROUTE } from './auth-user';
import { ExpiredTokenError, InvalidTokenError, MissingTokenError } from './auth.errors';
import { JWT_STRATEGY } from './jwt.strategy';

/** Global: every route needs a valid access token unless it is marked `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<TUser = AuthUser>(
    error: unknown,
    user: TUser | false,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (user && !error) return user;
    const problem = error instanceof DomainError ? error : error ? error : toTokenError(info);
    if (problem instanceof DomainError && problem.status === 401) {
      const response = context.switchToHttp().getResponse<Response>();
      response.setHeader('WWW-Authenticate', `Bearer realm="zer08", error="invalid_token"`);
    }
    throw problem;
  }
}

/** passport-jwt reports why it refused a token in `info`: jsonwebtoken's error, or a plain Error when there is none. */
function toTokenError(info: unknown): DomainError {
  const name = info instanceof Error ? info.name : undefined;
  if (name === 'TokenExpiredError') return new ExpiredTokenError();
  if (name === 'JsonWebTokenError' || name === 'NotBeforeError') return new InvalidTokenError();
  if (info instanceof Error && /no auth token/i.test(info.message)) return new MissingTokenError();
  return new InvalidTokenError();
}
