import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { UserRole } from '../users/user.entity';

/** Who is calling: set on the request by the global JWT guard. */
export interface AuthUser {
  id: string;
  email: string;
  role: UserRole;
  /** The refresh-token family (login session) the access token was issued for, when known. */
  sessionId?: string;
}

/** Claims of a ZER08 access token (HS256, signed with JWT_SECRET). */
export interface AccessTokenClaims {
  sub: string;
  email: string;
  role: UserRole;
  typ: 'access';
  /** Refresh-token family (login session) the token belongs to. */
  sid?: string;
  /** Seconds since the epoch; ZER08 issues it with millisecond fractions (see docs/auth.md). */
  iat?: number;
  exp?: number;
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export const IS_PUBLIC_ROUTE = 'zer08:public';
export const REQUIRED_ROLES = 'zer08:roles';

/** Opts a route out of the global JWT guard. Every other route needs a valid access token. */
export const Public = () => SetMetadata(IS_PUBLIC_ROUTE, true);

/** Restricts a route (or controller) to the given roles; checked after authentication. */
export const Roles = (...roles: UserRole[]) => SetMetadata(REQUIRED_ROLES, roles);

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const request = context.switchToHttp().getRequest<{ user?: AuthUser }>();
  if (!request.user) throw new Error('CurrentUser used on a route without authentication');
  return request.user;
});
