import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccessTokenClaims, AuthUser } from './auth-user';
import { AuthSettings } from './auth-settings';
import { InvalidTokenError, RevokedTokenError } from './auth.errors';
import { TokenUserCache } from './token-user.cache';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const JWT_STRATEGY = 'jwt';

/**
 * Signature, algorithm and expiry are checked by passport-jwt; then one cached
 * primary-key read refuses tokens of disabled or deleted users and tokens issued before
 * the user's `tokens_valid_after`. Role and email come from that read, so a demotion
 * applies without waiting for the token to expire.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    settings: AuthSettings,
    private readonly tokenUsers: TokenUserCache,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a
      // PEM public key and pays for the failure (~0.4 ms, 40x the HMAC check) on every request.
      secretOrKey: createSecretKey(Buffer.from(settings.JWT_SECRET)) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: Partial<AccessTokenClaims>): Promise<AuthUser> {
    if (
      claims.typ !== 'access' ||
      typeof claims.sub !== 'string' ||
      !UUID.test(claims.sub) ||
      typeof claims.iat !== 'number' ||
      // jsonwebtoken accepts a token without `exp` as never expiring; ZER08 never issues one.
      typeof claims.exp !== 'number'
    ) {
      throw new InvalidTokenError();
    }
    const user = await this.tokenUsers.get(claims.sub);
    if (!user || user.disabled || claims.iat * 1000 < user.tokensValidAfter.getTime()) throw new RevokedTokenError();
    return {
      id: claims.sub,
      email: user.email,
      role: user.role,
      ...(typeof claims.sid === 'string' && UUID.test(claims.sid) ? { sessionId: claims.sid } : {}),
    };
  }
}
