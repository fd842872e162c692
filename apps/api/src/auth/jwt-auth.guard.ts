import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import passport from 'passport';
import { DomainError } from '../common/problem';
import { AccessTokenClaims, AuthUser, IS_PUBLIC_ROUTE } from './auth-user';
import { ExpiredTokenError, InvalidTokenError, MissingTokenError } from './auth.errors';
import { JwtStrategy } from './jwt.strategy';

/**
 * Global: every route needs a valid access token unless it is marked `@Public()`.
 * It authenticates with this application's own strategy instance rather than passport's
 * process-wide registry by name, so several apps in one process (replicas in tests) never
 * verify tokens with each other's secret, cache or database.
 */
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const VERIFIED_TOKENS_KEPT = 10_000;

@Injectable()
export class JwtAuthGuard implements CanActivate {
  /**
   * Tokens whose signature and claims passport-jwt has already accepted, until they
   * expire: a client sends the same token for up to 15 minutes, and checking its HMAC
   * and parsing it again each time was a tenth of a `GET /jobs/:id`. Revocation is still
   * checked on every request (JwtStrategy.validate, through TokenUserCache).
   */
  private readonly verified = new Map<string, Partial<AccessTokenClaims> & { exp: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { user?: AuthUser }>();
    const response = http.getResponse<Response>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const claims = token === undefined ? undefined : this.verified.get(token);
    if (token !== undefined && claims) {
      if (claims.exp * 1000 > Date.now()) {
        try {
          request.user = await this.strategy.validate(claims);
        } catch (error) {
          this.handleRequest(error, false, undefined, context);
        }
        return true;
      }
      this.verified.delete(token);
    }
    request.user = await new Promise<AuthUser>((resolve, reject) => {
      // A per-request object: passport attaches this request's success/fail callbacks to it.
      const authenticate = passport.authenticate(
        Object.create(this.strategy) as passport.Strategy,
        { session: false },
        (error: unknown, user: AuthUser | false, info: unknown) => {
          try {
            resolve(this.handleRequest(error, user, info, context));
          } catch (problem) {
            reject(problem);
          }
        },
      ) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
      authenticate(request, response, (error) => reject(error ?? new InvalidTokenError()));
    });
    if (token !== undefined) this.remember(token);
    return true;
  }

  /** Called only after passport-jwt verified `token`: its payload can be read without checking again. */
  private remember(token: string): void {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
    ) as Partial<AccessTokenClaims>;
    if (typeof payload.exp !== 'number') return;
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, payload as Partial<AccessTokenClaims> & { exp: number });
  }

  private handleRequest<TUser = AuthUser>(
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
