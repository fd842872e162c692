import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, jobBody, TestUser } from '../jobs/jobs.test-fixtures';

describe('history API', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;
  let jobId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    alice = await createUser(testApp);
    jobId = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody()).expect(201)).body.id;
    // 30 occurrences, one a minute from 2026-01-01T00:00Z; every third failed (with a retry), the rest succeeded.
    await testApp.app.get(DataSource).query(
      `INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, started_at, finished_at, duration_ms, http_status, error, result, response_excerpt)
       SELECT $1, '2026-01-01T00:00:00Z'::timestamptz + make_interval(mins => i), a, CASE WHEN a = 2 THEN 'retry' ELSE 'schedule' END,
              CASE WHEN i % 3 = 0 AND a = 1 THEN 'failed' ELSE 'succeeded' END,
              '2026-01-01T00:00:00Z'::timestamptz + make_interval(mins => i), '2026-01-01T00:00:00.250Z'::timestamptz + make_interval(mins => i), 250,
              CASE WHEN i % 3 = 0 AND a = 1 THEN 500 ELSE 200 END,
              CASE WHEN i % 3 = 0 AND a = 1 THEN 'HTTP 500' END, NULL, '{"ok":true}'
       FROM generate_series(0, 29) AS i CROSS JOIN generate_series(1, 2) AS a
       WHERE a = 1 OR i % 3 = 0`,
      [jobId],
    );
  });

  afterAll(() => testApp.close());

  it('pages executions newest first with the envelope', async () => {
    const { body } = await http.get(`/api/v1/jobs/${jobId}/history?pageSize=3`).set(alice.auth).expect(200);
    expect(body).toMatchObject({ total: 40, page: 1, pageSize: 3 });
    expect(body.items.map((e: { scheduledFor: string; attempt: number }) => [e.scheduledFor, e.attempt])).toEqual([
      ['2026-01-01T00:29:00.000Z', 1],
      ['2026-01-01T00:28:00.000Z', 1],
      ['2026-01-01T00:27:00.000Z', 2],
    ]);
    expect(Object.keys(body.items[0]).sort()).toEqual(
      [
        'id',
        'jobId',
        'scheduledFor',
        'attempt',
        'trigger',
        'status',
        'startedAt',
        'finishedAt',
        'durationMs',
        'httpStatus',
        'error',
        'result',
        'responseExcerpt',
        'latenessMs',
      ].sort(),
    );
    const past = await http.get(`/api/v1/jobs/${jobId}/history?page=5&pageSize=100`).set(alice.auth).expect(200);
    expect(past.body).toEqual({ items: [], total: 40, page: 5, pageSize: 100 });
    const one = await http.get(`/api/v1/jobs/${jobId}/history?pageSize=1&page=40`).set(alice.auth).expect(200);
    expect(one.body.items[0]).toMatchObject({ scheduledFor: '2026-01-01T00:00:00.000Z', attempt: 1 });
  });

  it('counts outcomes per minute over the recent window and lists the latest failures, per owner', async () => {
    const bob = await createUser(testApp);
    const aliceJob = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody()).expect(201)).body.id;
    const bobJob = (await http.post('/api/v1/jobs').set(bob.auth).send(jobBody()).expect(201)).body.id;
    const dataSource = testApp.app.get(DataSource);
    // Alice: 3 succeeded and 1 failed five minutes ago, 2 succeeded a minute ago; Bob: 1 failed now.
    await dataSource.query(
      `INSERT INTO executions (job_id, scheduled_for, status, started_at, finished_at, error)
       SELECT $1, now() - make_interval(mins => m, secs => i), s, now() - make_interval(mins => m, secs => i),
              now() - make_interval(mins => m, secs => i), CASE WHEN s = 'failed' THEN 'HTTP 500' END
       FROM (VALUES (5, 1, 'succeeded'), (5, 2, 'succeeded'), (5, 3, 'succeeded'), (5, 4, 'failed'),
                    (1, 1, 'succeeded'), (1, 2, 'succeeded')) AS v(m, i, s)`,
      [aliceJob],
    );
    await dataSource.query(
      `INSERT INTO executions (job_id, scheduled_for, status, started_at, finished_at, error)
       VALUES ($1, now(), 'failed', now(), now(), 'connection refused')`,
      [bobJob],
    );
    const mine = (await http.get('/api/v1/executions/activity?minutes=10').set(alice.auth).expect(200)).body;
    expect(mine.perMinute).toHaveLength(10);
    const total = (key: 'succeeded' | 'failed') =>
      mine.perMinute.reduce((sum: number, m: Record<string, number>) => sum + m[key], 0);
    expect(total('succeeded')).toBe(5);
    expect(total('failed')).toBe(1);
    expect(mine.recentFailures).toHaveLength(1);
    expect(mine.recentFailures[0]).toMatchObject({ jobId: aliceJob, status: 'failed', error: 'HTTP 500' });
    expect(typeof mine.recentFailures[0].jobName).toBe('string');

    const theirs = (await http.get('/api/v1/executions/activity?minutes=10').set(bob.auth).expect(200)).body;
    expect(theirs.recentFailures.map((e: { jobId: string }) => e.jobId)).toEqual([bobJob]);

    const bad = await http.get('/api/v1/executions/activity?minutes=0').set(alice.auth).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('minutes');
  });

  it('filters by status and by a scheduledFor window', async () => {
    const failed = await http.get(`/api/v1/jobs/${jobId}/history?status=failed`).set(alice.auth).expect(200);
    expect(failed.body.total).toBe(10);
    expect(failed.body.items[0]).toMatchObject({
      status: 'failed',
      httpStatus: 500,
      error: 'HTTP 500',
      durationMs: 250,
    });
    const window = await http
      .get(`/api/v1/jobs/${jobId}/history?from=2026-01-01T00:10:00Z&to=2026-01-01T00:14:00Z`)
      .set(alice.auth)
      .expect(200);
    expect(window.body.total).toBe(6); // minutes 10..14, plus the retry of minute 12
  });

  it('answers one execution by id', async () => {
    const { body } = await http.get(`/api/v1/jobs/${jobId}/history?pageSize=1`).set(alice.auth).expect(200);
    const execution = await http.get(`/api/v1/executions/${body.items[0].id}`).set(alice.auth).expect(200);
    expect(execution.body).toEqual(body.items[0]);
    await http.get('/api/v1/executions/00000000-0000-4000-8000-000000000000').set(alice.auth).expect(404);
  });

  it('refuses a window that ends before it starts', async () => {
    const response = await http
      .get(`/api/v1/jobs/${jobId}/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`)
      .set(alice.auth)
      .expect(400);
    expect(response.body.errors[0].field).toBe('to');
  });
});
