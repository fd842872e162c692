import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fire lateness kept with each execution: when its call started (finished_at minus the
 * call's duration, both written by the worker with the call's result) less when it was
 * due (the occurrence for a first attempt, the end of the backoff for a retry). Stored,
 * so summaries read it rather than recompute it; the hot write path does not change.
 */
export class ExecutionLateness1795500400000 implements MigrationInterface {
  name = 'ExecutionLateness1795500400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE executions ADD COLUMN lateness_ms integer GENERATED ALWAYS AS (
        CASE WHEN finished_at IS NOT NULL AND duration_ms IS NOT NULL THEN
          greatest(0, round(extract(epoch FROM finished_at - greatest(scheduled_for, available_at)) * 1000) - duration_ms)::integer
        END
      ) STORED`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN lateness_ms`);
  }
}
