import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../test/test-app';
import { HistoryRepository } from '../history/history.repository';
import { JobsRepository } from '../jobs/jobs.repository';
import { createUser, jobBody, TestUser } from '../jobs/jobs.test-fixtures';
import { UserScopedDatabase } from './user-scoped-database';

/** Postgres itself keeps users apart, whatever the repository query says (docs/security.md). */
describe('row-level security', () => {
  let testApp: TestApp;
  let database: UserScopedDatabase;
  let alice: TestUser;
  let bob: TestUser;
  let admin: TestUser;
  const jobIds: Record<string, string> = {};

  beforeAll(async () => {
    testApp = await createTestApp();
    database = testApp.app.get(UserScopedDatabase);
    const http = request(testApp.app.getHttpServer());
    [alice, bob, admin] = await Promise.all([createUser(testApp), createUser(testApp), createUser(testApp, 'admin')]);
    for (const user of [alice, bob]) {
      jobIds[user.id] = (
        await http
          .post('/api/v1/jobs')
          .set(user.auth)
          .send(jobBody({ name: `job-of-${user.email}` }))
          .expect(201)
      ).body.id;
      await http.post(`/api/v1/jobs/${jobIds[user.id]}/trigger`).set(user.auth).expect(202);
    }
  });

  afterAll(() => testApp.close());

  const as = <T>(user: TestUser, work: () => Promise<T>) => database.runAs({ id: user.id, role: user.role }, work);

  it('a query with no owner filter sees only the caller’s jobs and executions', async () => {
    const seen = await as(alice, async () => ({
      jobs: (await database.query<{ owner_id: string }>('SELECT owner_id FROM jobs')).rows,
      executions: (await database.query<{ job_id: string }>('SELECT job_id FROM executions')).rows,
    }));
    expect(seen.jobs).toEqual([{ owner_id: alice.id }]);
    expect(seen.executions).toEqual([{ job_id: jobIds[alice.id] }]);
  });

  it('a repository call that forgets the owner scope still returns only the caller’s rows', async () => {
    const jobs = testApp.app.get(JobsRepository);
    const history = testApp.app.get(HistoryRepository);
    const listed = await as(bob, () =>
      jobs.list({ ownerId: null, sort: 'createdAt', order: 'desc', limit: 100, offset: 0 }),
    );
    expect(listed.rows.map((row) => row.id)).toEqual([jobIds[bob.id]]);
    expect(listed.total).toBe(1);
    const alicesJob = await as(bob, () => jobs.findOne(jobIds[alice.id], { ownerId: null }));
    expect(alicesJob).toBeUndefined();
    const alicesHistory = await as(bob, () => history.list({ jobId: jobIds[alice.id], limit: 50, offset: 0 }));
    expect(alicesHistory).toEqual({ rows: [], total: 0 });
  });

  it('an admin sees every row; the scheduler’s own connections are not filtered', async () => {
    const adminCount = await as(
      admin,
      async () => (await database.query('SELECT count(*)::int AS n FROM jobs')).rows[0].n,
    );
    expect(adminCount).toBe(2);
    const schedulerCount = (await testApp.app.get(DataSource).query('SELECT count(*)::int AS n FROM jobs'))[0].n;
    expect(schedulerCount).toBe(2);
  });

  it('refuses to write another user’s rows and leaves them unchanged', async () => {
    const updated = await as(alice, () =>
      database.query(`UPDATE jobs SET name = 'stolen' WHERE id = $1`, [jobIds[bob.id]]),
    );
    expect(updated.rowCount).toBe(0);
    await expect(
      as(alice, () =>
        database.query(
          `INSERT INTO jobs (owner_id, name, schedule, timezone, target, signing_secret)
                        SELECT $1, 'planted', schedule, timezone, target, 'x' FROM jobs LIMIT 1`,
          [bob.id],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const [bobsJob] = await testApp.app.get(DataSource).query('SELECT name FROM jobs WHERE id = $1', [jobIds[bob.id]]);
    expect(bobsJob.name).toBe(`job-of-${bob.email}`);
    expect(
      (await testApp.app.get(DataSource).query(`SELECT count(*)::int AS n FROM jobs WHERE name = 'planted'`))[0].n,
    ).toBe(0);
  });

  it('rolls back every statement of a request that fails', async () => {
    await expect(
      as(alice, async () => {
        await database.query(`UPDATE jobs SET description = 'half-done' WHERE id = $1`, [jobIds[alice.id]]);
        throw new Error('handler failed after its first write');
      }),
    ).rejects.toThrow('handler failed');
    const [row] = await testApp.app
      .get(DataSource)
      .query('SELECT description FROM jobs WHERE id = $1', [jobIds[alice.id]]);
    expect(row.description).not.toBe('half-done');
  });

  it('a read-only request (GET) cannot write, even its own rows', async () => {
    await expect(
      database.runAs(
        { id: alice.id, role: alice.role },
        () => database.query(`UPDATE jobs SET description = 'from a GET' WHERE id = $1`, [jobIds[alice.id]]),
        { readOnly: true },
      ),
    ).rejects.toThrow(/read-only transaction/);
    const [row] = await testApp.app.get(DataSource).query('SELECT description FROM jobs WHERE id = $1', [jobIds[alice.id]]);
    expect(row.description).not.toBe('from a GET');
  });

  it('a statement without a caller, under the API role, sees nothing', async () => {
    const client = await (
      testApp.app.get(DataSource).driver as unknown as { master: import('pg').Pool }
    ).master.connect();
    try {
      await client.query('BEGIN; SET LOCAL ROLE zer08_api');
      expect((await client.query('SELECT count(*)::int AS n FROM jobs')).rows[0].n).toBe(0);
      expect((await client.query('SELECT count(*)::int AS n FROM executions')).rows[0].n).toBe(0);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
