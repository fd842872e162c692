import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { UserRole } from '../users/user.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

export interface RotatedToken {
  userId: string;
  familyId: string;
  email: string;
  role: UserRole;
}

/** Why a refresh token could not be rotated. */
export type RefreshTokenStatus = 'unknown' | 'reused' | 'revoked' | 'expired' | 'user_disabled';

@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>) {}

  async insert(token: {
    id: string;
    userId: string;
    familyId: string;
    tokenHash: string;
    ttlSeconds: number;
  }): Promise<void> {
    await this.tokens.query(
      `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [token.id, token.userId, token.familyId, token.tokenHash, token.ttlSeconds],
    );
  }

  /**
   * Marks the live token `oldHash` as replaced by a new one in the same family and stores
   * the new one, in one statement: of two concurrent uses of one token exactly one wins.
   * `null` when the token is not live (see `statusOf`) or its user is disabled.
   */
  async rotate(
    oldHash: string,
    next: { id: string; tokenHash: string; ttlSeconds: number },
  ): Promise<RotatedToken | null> {
    const rows: Array<{ user_id: string; family_id: string; email: string; role: UserRole }> = await this.tokens.query(
      `WITH rotated AS (
         UPDATE refresh_tokens AS token SET replaced_by = $2
         FROM users
         WHERE token.token_hash = $1 AND token.replaced_by IS NULL AND token.revoked_at IS NULL
           AND token.expires_at > now() AND users.id = token.user_id AND NOT users.disabled
         RETURNING token.user_id, token.family_id, users.email, users.role
       ), successor AS (
         INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
         SELECT $2, user_id, family_id, $3, now() + make_interval(secs => $4) FROM rotated
       )
       SELECT user_id, family_id, email, role FROM rotated`,
      [oldHash, next.id, next.tokenHash, next.ttlSeconds],
    );
    const row = rows[0];
    return row ? { userId: row.user_id, familyId: row.family_id, email: row.email, role: row.role } : null;
  }

  async statusOf(tokenHash: string): Promise<{ status: RefreshTokenStatus; familyId?: string }> {
    const rows: Array<{ family_id: string; replaced: boolean; revoked: boolean; expired: boolean }> =
      await this.tokens.query(
        `SELECT family_id, replaced_by IS NOT NULL AS replaced, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
       FROM refresh_tokens WHERE token_hash = $1`,
        [tokenHash],
      );
    const row = rows[0];
    if (!row) return { status: 'unknown' };
    const status: RefreshTokenStatus = row.replaced
      ? 'reused'
      : row.revoked
        ? 'revoked'
        : row.expired
          ? 'expired'
          : 'user_disabled';
    return { status, familyId: row.family_id };
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.tokens.query(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId],
    );
  }

  /** Revokes the family of the token `tokenHash`; answers the family's user, if the token was known. */
  async revokeFamilyOf(tokenHash: string): Promise<string | null> {
    const rows: [Array<{ user_id: string }>, number] = await this.tokens.query(
      `UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())
       WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)
       RETURNING user_id`,
      [tokenHash],
    );
    return rows[0][0]?.user_id ?? null;
  }

  /** Revokes every live token of the user, except those of `keepFamilyId`. */
  async revokeAllOfUser(userId: string, keepFamilyId?: string): Promise<void> {
    await this.tokens.query(
      `UPDATE refresh_tokens SET revoked_at = now()
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR family_id <> $2::uuid)`,
      [userId, keepFamilyId ?? null],
    );
  }

  /** Housekeeping on login: the user's expired tokens can no longer do anything. */
  async deleteExpiredOfUser(userId: string): Promise<void> {
    await this.tokens.query(`DELETE FROM refresh_tokens WHERE user_id = $1 AND expires_at < now() - interval '1 day'`, [
      userId,
    ]);
  }
}
