import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Row-level security on jobs and executions, a second wall behind the API's own owner
 * checks (docs/security.md). API requests run their statements as the NOLOGIN role
 * `zer08_api` with the caller's id and role in transaction settings; the policies below
 * apply only to that role. The scheduler keeps the login role, which owns the tables and
 * so is not subject to them.
 */
export class RowLevelSecurity1795500300000 implements MigrationInterface {
  name = 'RowLevelSecurity1795500300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Roles are cluster-wide: another database of the same cluster may have created it already.
    await queryRunner.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zer08_api') THEN
          BEGIN
            CREATE ROLE zer08_api NOLOGIN;
          EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
              RAISE EXCEPTION 'ZER08 needs the role zer08_api and may not create it. As a superuser run: CREATE ROLE zer08_api NOLOGIN; GRANT zer08_api TO %;', current_user;
          END;
        END IF;
        IF NOT pg_has_role(current_user, 'zer08_api', 'MEMBER') THEN
          EXECUTE format('GRANT zer08_api TO %I', current_user);
        END IF;
      END $$`);
    await queryRunner.query(`GRANT USAGE ON SCHEMA public TO zer08_api`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO zer08_api`);
    await queryRunner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO zer08_api`);
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO zer08_api`,
    );
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO zer08_api`);

    await queryRunner.query(`ALTER TABLE jobs ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE executions ENABLE ROW LEVEL SECURITY`);
    // Unset settings read as '' once any transaction of the session has set them: nullif keeps that "nobody".
    await queryRunner.query(`
      CREATE POLICY jobs_owner_or_admin ON jobs TO zer08_api
        USING (current_setting('zer08.user_role', true) = 'admin'
               OR owner_id = nullif(current_setting('zer08.user_id', true), '')::uuid)
        WITH CHECK (current_setting('zer08.user_role', true) = 'admin'
               OR owner_id = nullif(current_setting('zer08.user_id', true), '')::uuid)`);
    // The sub-select on jobs is itself filtered by jobs_owner_or_admin.
    await queryRunner.query(`
      CREATE POLICY executions_of_visible_jobs ON executions TO zer08_api
        USING (current_setting('zer08.user_role', true) = 'admin'
               OR EXISTS (SELECT 1 FROM jobs j WHERE j.id = executions.job_id))
        WITH CHECK (current_setting('zer08.user_role', true) = 'admin'
               OR EXISTS (SELECT 1 FROM jobs j WHERE j.id = executions.job_id))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY IF EXISTS executions_of_visible_jobs ON executions`);
    await queryRunner.query(`DROP POLICY IF EXISTS jobs_owner_or_admin ON jobs`);
    await queryRunner.query(`ALTER TABLE executions DISABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE jobs DISABLE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM zer08_api`,
    );
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM zer08_api`,
    );
    await queryRunner.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM zer08_api`);
    await queryRunner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM zer08_api`);
    await queryRunner.query(`REVOKE USAGE ON SCHEMA public FROM zer08_api`);
  }
}
