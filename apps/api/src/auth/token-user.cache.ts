import { Injectable } from '@nestjs/common';
import { UserAccessState, UsersRepository } from '../users/users.repository';
import { AuthSettings } from './auth-settings';

interface CacheEntry {
  state: Promise<UserAccessState | null>;
  expiresAt: number;
}

/** Bounds memory if tokens of very many users arrive within one cache period. */
const MAX_ENTRIES = 50_000;

/**
 * What a replica knows about the user behind an access token (disabled? revoked since?),
 * read by primary key and kept for AUTH_USER_CACHE_MS. Concurrent requests for one user
 * share a single read. Changes made through this replica invalidate at once; a
 * revocation made on another replica is seen here within the cache period.
 */
@Injectable()
export class TokenUserCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly users: UsersRepository,
    private readonly settings: AuthSettings,
  ) {}

  get(userId: string): Promise<UserAccessState | null> {
    const ttl = this.settings.AUTH_USER_CACHE_MS;
    if (ttl === 0) return this.users.findAccessState(userId);
    const now = Date.now();
    const cached = this.entries.get(userId);
    if (cached && cached.expiresAt > now) return cached.state;

    if (this.entries.size >= MAX_ENTRIES) this.evictExpired(now);
    const entry: CacheEntry = { state: this.users.findAccessState(userId), expiresAt: now + ttl };
    this.entries.set(userId, entry);
    // A failed read must not be remembered; only drop it if nothing replaced it meanwhile.
    entry.state.catch(() => {
      if (this.entries.get(userId) === entry) this.entries.delete(userId);
    });
    return entry.state;
  }

  invalidate(userId: string): void {
    this.entries.delete(userId);
  }

  private evictExpired(now: number): void {
    for (const [userId, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(userId);
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}
