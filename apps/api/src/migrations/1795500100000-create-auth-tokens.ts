import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuthTokens1795500100000 implements MigrationInterface {
  name = 'CreateAuthTokens1795500100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id   uuid NOT NULL,
        token_hash  text NOT NULL,
        expires_at  timestamptz NOT NULL,
        revoked_at  timestamptz,
        replaced_by uuid,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    // Access tokens issued before this instant are refused (logout everywhere, password change, disable).
    await queryRunner.query(`ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz NOT NULL DEFAULT 'epoch'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN tokens_valid_after`);
    await queryRunner.query(`DROP TABLE refresh_tokens`);
  }
}
