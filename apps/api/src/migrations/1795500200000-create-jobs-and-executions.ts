import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateJobsAndExecutions1795500200000 implements MigrationInterface {
  name = 'CreateJobsAndExecutions1795500200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE jobs (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id             uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description          text,
        schedule             jsonb NOT NULL,
        schedule_kind        text GENERATED ALWAYS AS (schedule ->> 'kind') STORED,
        timezone             text NOT NULL DEFAULT 'UTC',
        start_at             timestamptz,
        end_at               timestamptz,
        target               jsonb NOT NULL,
        target_kind          text GENERATED ALWAYS AS (target ->> 'kind') STORED,
        execution_type       text NOT NULL DEFAULT 'AT_LEAST_ONCE' CHECK (execution_type IN ('AT_LEAST_ONCE', 'AT_MOST_ONCE')),
        max_attempts         integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
        backoff              text NOT NULL DEFAULT 'exponential' CHECK (backoff IN ('fixed', 'exponential')),
        initial_delay_ms     integer NOT NULL DEFAULT 1000 CHECK (initial_delay_ms >= 0),
        max_delay_ms         integer NOT NULL DEFAULT 3600000 CHECK (max_delay_ms >= 0),
        concurrency          text NOT NULL DEFAULT 'allow' CHECK (concurrency IN ('allow', 'forbid', 'replace')),
        misfire              text NOT NULL DEFAULT 'fire_once' CHECK (misfire IN ('fire_once', 'skip', 'catch_up')),
        catch_up_limit       integer NOT NULL DEFAULT 100 CHECK (catch_up_limit BETWEEN 1 AND 10000),
        history_retention_days integer CHECK (history_retention_days >= 0),
        status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'completed', 'deleted')),
        status_before_delete text,
        deleted_at           timestamptz,
        next_run_at          timestamptz,
        last_run_at          timestamptz,
        last_status          text,
        call_count           bigint NOT NULL DEFAULT 0,
        metadata             jsonb NOT NULL DEFAULT '{}',
        signing_secret       text NOT NULL,
        version              integer NOT NULL DEFAULT 1,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    // The leader's hot query: the earliest due active jobs.
    await queryRunner.query(`CREATE INDEX jobs_due_idx ON jobs (next_run_at) WHERE status = 'active'`);
    await queryRunner.query(`CREATE INDEX jobs_owner_created_idx ON jobs (owner_id, created_at DESC, id)`);
    await queryRunner.query(`CREATE INDEX jobs_created_idx ON jobs (created_at DESC, id)`);

    await queryRunner.query(`
      CREATE TABLE executions (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id           uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        scheduled_for    timestamptz NOT NULL,
        attempt          integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        trigger          text NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'manual', 'retry')),
        status           text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'timed_out', 'skipped', 'abandoned', 'cancelled')),
        available_at     timestamptz NOT NULL DEFAULT now(),
        lease_expires_at timestamptz,
        started_at       timestamptz,
        finished_at      timestamptz,
        duration_ms      integer,
        http_status      integer,
        result           jsonb,
        response_excerpt text,
        error            text,
        replica_id       text,
        leader_epoch     bigint,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT executions_occurrence_key UNIQUE (job_id, scheduled_for, attempt)
      )`);
    await queryRunner.query(`CREATE INDEX executions_claimable_idx ON executions (available_at) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX executions_lease_idx ON executions (lease_expires_at) WHERE status = 'running'`);
    await queryRunner.query(`CREATE INDEX executions_job_time_idx ON executions (job_id, scheduled_for DESC, attempt DESC)`);
    await queryRunner.query(`CREATE INDEX executions_status_finished_idx ON executions (status, finished_at)`);

    await queryRunner.query(`
      CREATE TABLE job_audit (
        id        bigserial PRIMARY KEY,
        job_id    uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        actor_id  uuid REFERENCES users(id) ON DELETE SET NULL,
        action    text NOT NULL,
        changes   jsonb,
        at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX job_audit_job_idx ON job_audit (job_id, at DESC)`);

    await queryRunner.query(`
      CREATE TABLE scheduler_state (
        id             smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        leader_epoch   bigint NOT NULL DEFAULT 0,
        leader_replica text,
        elected_at     timestamptz
      )`);
    await queryRunner.query(`INSERT INTO scheduler_state (id) VALUES (1)`);
    await queryRunner.query(`
      CREATE TABLE scheduler_replicas (
        replica_id   text PRIMARY KEY,
        hostname     text NOT NULL,
        pid          integer NOT NULL,
        started_at   timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        is_leader    boolean NOT NULL DEFAULT false,
        dispatching  boolean NOT NULL DEFAULT true
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE scheduler_replicas`);
    await queryRunner.query(`DROP TABLE scheduler_state`);
    await queryRunner.query(`DROP TABLE job_audit`);
    await queryRunner.query(`DROP TABLE executions`);
    await queryRunner.query(`DROP TABLE jobs`);
  }
}
