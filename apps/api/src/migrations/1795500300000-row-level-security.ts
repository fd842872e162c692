import { MigrationInterface, QueryRunner } from 'typeorm';

/** NOLOGIN roles API requests switch to (SET LOCAL ROLE): one for users, one for admins. */
const API_ROLES = ['zer08_api', 'zer08_api_admin'] as const;

/**
 * Row-level security on jobs and executions, a second wall behind the API's own owner
 * checks (docs/security.md). A user's request runs its statements as `zer08_api`, whose
 * policies keep the rows of the owner named by the transaction setting `zer08.user_id`;
 * an admin's as `zer08_api_admin`, whose policies keep every row. A role per kind rather
 * than one policy testing the caller's role: an `admin OR owner` filter hides the index
 * order from the planner (a 10,000-job page went from 0.1 to 7 ms). The scheduler keeps
 * the login role, which owns the tables and so is not subject to any policy.
 */
export class RowLevelSecurity1795500300000 implements MigrationInterface {
  name = 'RowLevelSecurity1795500300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const role of API_ROLES) {
      // Roles are cluster-wide: another database of the same cluster may have created it already.
      await queryRunner.query(`
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
            BEGIN
              CREATE ROLE ${role} NOLOGIN;
            EXCEPTION
              WHEN duplicate_object OR unique_violation THEN NULL;
              WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'ZER08 needs the role ${role} and may not create it. As a superuser run: CREATE ROLE ${role} NOLOGIN; GRANT ${role} TO %;', current_user;
            END;
          END IF;
          IF NOT pg_has_role(current_user, '${role}', 'MEMBER') THEN
            EXECUTE format('GRANT ${role} TO %I', current_user);
          END IF;
        END $$`);
      await queryRunner.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
      await queryRunner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      await queryRunner.query(
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
      );
      await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`);
    }

    await queryRunner.query(`ALTER TABLE jobs ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE executions ENABLE ROW LEVEL SECURITY`);
    // An unset setting reads as '' once any transaction of the session has set it: nullif makes that "nobody".
    // The sub-select is an InitPlan, evaluated once per statement rather than once per row.
    await queryRunner.query(`
      CREATE POLICY jobs_of_the_caller ON jobs TO zer08_api
        USING (owner_id = (SELECT nullif(current_setting('zer08.user_id', true), '')::uuid))
        WITH CHECK (owner_id = (SELECT nullif(current_setting('zer08.user_id', true), '')::uuid))`);
    // The sub-select on jobs is itself filtered by jobs_of_the_caller.
    await queryRunner.query(`
      CREATE POLICY executions_of_the_callers_jobs ON executions TO zer08_api
        USING (EXISTS (SELECT 1 FROM jobs j WHERE j.id = executions.job_id))
        WITH CHECK (EXISTS (SELECT 1 FROM jobs j WHERE j.id = executions.job_id))`);
    await queryRunner.query(`CREATE POLICY jobs_all ON jobs TO zer08_api_admin USING (true) WITH CHECK (true)`);
    await queryRunner.query(`CREATE POLICY executions_all ON executions TO zer08_api_admin USING (true) WITH CHECK (true)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [policy, table] of [
      ['executions_all', 'executions'],
      ['jobs_all', 'jobs'],
      ['executions_of_the_callers_jobs', 'executions'],
      ['jobs_of_the_caller', 'jobs'],
    ]) {
      await queryRunner.query(`DROP POLICY IF EXISTS ${policy} ON ${table}`);
    }
    await queryRunner.query(`ALTER TABLE executions DISABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE jobs DISABLE ROW LEVEL SECURITY`);
    for (const role of API_ROLES) {
      await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM ${role}`);
      await queryRunner.query(
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM ${role}`,
      );
      await queryRunner.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`);
      await queryRunner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      await queryRunner.query(`REVOKE USAGE ON SCHEMA public FROM ${role}`);
    }
  }
}
