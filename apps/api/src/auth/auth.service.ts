import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthTokensDto, MeDto } from '@zer08/contracts';
import { NotFoundError } from '../common/problem';
import { PasswordHasher } from '../users/password-hasher';
import type { UserRole } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { ACCESS_TOKEN_TTL_SECONDS, AccessTokenClaims, AuthUser } from './auth-user';
import { REFRESH_TOKEN_TTL_SECONDS } from './auth-settings';
import {
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  RefreshTokenReusedError,
  WrongCurrentPasswordError,
} from './auth.errors';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionsService } from './sessions.service';

/** Refresh tokens carry 256 random bits, so a fast hash is enough to keep stored values useless. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class AuthService implements OnModuleInit {
  /** Verified when the email is unknown, so that answer costs as much as a wrong password. */
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly sessions: SessionsService,
    private readonly jwt: JwtService,
  ) {}

  onModuleInit(): void {
    this.dummyHash = this.hasher.hash(randomBytes(16).toString('base64url'));
    this.dummyHash.catch(() => undefined);
  }

  async login(email: string, password: string): Promise<AuthTokensDto> {
    const user = await this.users.findCredentialsByEmail(email);
    const hash =
      user?.passwordHash ?? (await (this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('base64url'))));
    const passwordMatches = await this.hasher.verify(hash, password);
    if (!user || !passwordMatches || user.disabled) throw new InvalidCredentialsError();

    await this.refreshTokens.deleteExpiredOfUser(user.id);
    const familyId = randomUUID();
    const refreshToken = newRefreshToken();
    await this.refreshTokens.insert({
      id: randomUUID(),
      userId: user.id,
      familyId,
      tokenHash: hashRefreshToken(refreshToken),
      ttlSeconds: REFRESH_TOKEN_TTL_SECONDS,
    });
    return this.tokens({ id: user.id, email: user.email, role: user.role }, familyId, refreshToken);
  }

  /** Rotation: the presented token is spent; presenting a spent token again revokes its family. */
  async refresh(refreshToken: string): Promise<AuthTokensDto> {
    const presentedHash = hashRefreshToken(refreshToken);
    const successor = newRefreshToken();
    const rotated = await this.refreshTokens.rotate(presentedHash, {
      id: randomUUID(),
      tokenHash: hashRefreshToken(successor),
      ttlSeconds: REFRESH_TOKEN_TTL_SECONDS,
    });
    if (rotated) {
      return this.tokens({ id: rotated.userId, email: rotated.email, role: rotated.role }, rotated.familyId, successor);
    }
    const { status, familyId } = await this.refreshTokens.statusOf(presentedHash);
    if (status === 'reused' && familyId) {
      await this.refreshTokens.revokeFamily(familyId);
      throw new RefreshTokenReusedError();
    }
    throw new InvalidRefreshTokenError();
  }

  /** Idempotent: an unknown or already revoked token is not an error (nothing to reveal). */
  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revokeFamilyOf(hashRefreshToken(refreshToken));
  }

  logoutEverywhere(userId: string): Promise<void> {
    return this.sessions.revokeAll(userId);
  }

  async me(userId: string): Promise<MeDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
  }

  /**
   * Every access token issued so far (this one too) stops working and every other session
   * is logged out; the caller's own refresh token keeps working, so its client refreshes.
   */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string): Promise<void> {
    const credentials = await this.users.findCredentialsById(user.id);
    if (!credentials) throw new NotFoundError('User');
    if (!(await this.hasher.verify(credentials.passwordHash, currentPassword))) throw new WrongCurrentPasswordError();
    const newHash = await this.hasher.hash(newPassword);
    await this.sessions.revokeAll(user.id, { keepFamilyId: user.sessionId, newPasswordHash: newHash });
  }

  private tokens(
    user: { id: string; email: string; role: UserRole },
    familyId: string,
    refreshToken: string,
  ): AuthTokensDto {
    const issuedAtMs = Date.now();
    const claims: AccessTokenClaims = {
      sub: user.id,
      email: user.email,
      role: user.role,
      typ: 'access',
      sid: familyId,
      // Millisecond precision (RFC 7519 NumericDate may be fractional): a token issued right
      // after a revocation must not look older than it.
      iat: issuedAtMs / 1000,
      exp: Math.floor(issuedAtMs / 1000) + ACCESS_TOKEN_TTL_SECONDS,
    };
    return {
      accessToken: this.jwt.sign(claims, { algorithm: 'HS256' }),
      refreshToken,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      tokenType: 'Bearer',
      user: { id: user.id, email: user.email, role: user.role },
    };
  }
}

function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}
