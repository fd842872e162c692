import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One issued refresh token, stored as the SHA-256 of its value. Tokens rotate: each use
 * issues a successor in the same family and records it in `replacedBy`.
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Index('refresh_tokens_user_idx')
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Index('refresh_tokens_family_idx')
  @Column({ name: 'family_id', type: 'uuid' })
  familyId!: string;

  @Index('refresh_tokens_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'replaced_by', type: 'uuid', nullable: true })
  replacedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
