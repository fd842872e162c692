import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TokenUserCache } from './token-user.cache';

/**
 * Ends a user's sessions: refresh tokens revoked, access tokens issued until now refused
 * (`users.tokens_valid_after`), and this replica's cached view of the user dropped.
 * Used by logout-everywhere, password change, and the users module (disable, role change, delete).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly tokenUsers: TokenUserCache,
  ) {}

  async revokeAll(userId: string, options: { keepFamilyId?: string; newPasswordHash?: string } = {}): Promise<void> {
    const now = new Date();
    if (options.newPasswordHash) await this.users.setPassword(userId, options.newPasswordHash, now);
    else await this.users.setTokensValidAfter(userId, now);
    await this.refreshTokens.revokeAllOfUser(userId, options.keepFamilyId);
    this.tokenUsers.invalidate(userId);
  }

  /** The user's role or existence changed: forget what this replica cached about them. */
  forget(userId: string): void {
    this.tokenUsers.invalidate(userId);
  }
}
