import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, jobBody, TestUser } from '../jobs/jobs.test-fixtures';
import { waitFor } from '../scheduler/scheduler.test-fixtures';

/** Fire lateness kept with each execution, summarised per job and exported per job. */
describe('per-job fire lateness', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let db: DataSource;
  let alice: TestUser;
  let bob: TestUser;
  let jobId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    db = testApp.app.get(DataSource);
    [alice, bob] = await Promise.all([createUser(testApp), createUser(testApp)]);
    jobId = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody()).expect(201)).body.id;
    // 100 first attempts due over the last 50 minutes, late by 1..100 ms, calls of 30 ms.
    await db.query(
      `INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, available_at, started_at, finished_at, duration_ms)
       SELECT $1, t, 1, 'schedule', 'succeeded', t, t, t + (i + 30) * interval '1 millisecond', 30
       FROM generate_series(1, 100) AS i, LATERAL (SELECT now() - interval '50 minutes' + i * interval '20 seconds' AS t) AS due`,
      [jobId],
    );
    // Not counted: a retry (its backoff is not lateness), a manual run, an occurrence before the window.
    await db.query(
      `INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, available_at, started_at, finished_at, duration_ms) VALUES
         ($1, now() - interval '10 minutes', 2, 'retry', 'succeeded', now() - interval '9 minutes',
              now() - interval '9 minutes', now() - interval '9 minutes' + interval '5 seconds', 10),
         ($1, now() - interval '8 minutes', 1, 'manual', 'succeeded', now() - interval '8 minutes',
              now() - interval '8 minutes', now() - interval '8 minutes' + interval '7 seconds', 10),
         ($1, now() - interval '2 hours', 1, 'schedule', 'succeeded', now() - interval '2 hours',
              now() - interval '2 hours', now() - interval '2 hours' + interval '9 seconds', 10)`,
      [jobId],
    );
  });

  afterAll(() => testApp.close());

  it('keeps each execution’s lateness: call start minus when it was due', async () => {
    const pages = await Promise.all(
      [1, 2].map((page) =>
        http.get(`/api/v1/jobs/${jobId}/history?pageSize=100&page=${page}`).set(alice.auth).expect(200),
      ),
    );
    const body = { items: pages.flatMap((page) => page.body.items) };
    const retry = body.items.find((item: { attempt: number }) => item.attempt === 2);
    expect(retry.latenessMs).toBe(60_000 + 5_000 - 10 - 60_000); // due at the end of its backoff, not at the occurrence
    const firstAttempts = body.items.filter(
      (item: { trigger: string; scheduledFor: string }) =>
        item.trigger === 'schedule' && Date.parse(item.scheduledFor) > Date.now() - 60 * 60_000,
    );
    expect(
      firstAttempts.map((item: { latenessMs: number }) => item.latenessMs).sort((a: number, b: number) => a - b),
    ).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('summarises the last hour of scheduled first attempts: p50, p99, max', async () => {
    const { body } = await http.get(`/api/v1/jobs/${jobId}/lateness`).set(alice.auth).expect(200);
    expect(body).toMatchObject({ jobId, samples: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(60 * 60_000);
    const narrow = await http.get(`/api/v1/jobs/${jobId}/lateness?minutes=5`).set(alice.auth).expect(200);
    expect(narrow.body.samples).toBeLessThan(100);
  });

  it('answers a job without runs with nulls, another user with 404, a bad window with 400 naming it', async () => {
    const idle = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody()).expect(201)).body.id;
    const { body } = await http.get(`/api/v1/jobs/${idle}/lateness`).set(alice.auth).expect(200);
    expect(body).toMatchObject({ samples: 0, p50Ms: null, p99Ms: null, maxMs: null });
    await http.get(`/api/v1/jobs/${jobId}/lateness`).set(bob.auth).expect(404);
    const bad = await http.get(`/api/v1/jobs/${jobId}/lateness?minutes=0`).set(alice.auth).expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('minutes');
  });

  it('exports the worst jobs’ p50 and p99 on /metrics', async () => {
    const { text } = await http.get('/metrics').expect(200);
    expect(text).toContain(`zer08_job_fire_lateness_seconds{job_id="${jobId}",quantile="0.5"} 0.05`);
    expect(text).toContain(`zer08_job_fire_lateness_seconds{job_id="${jobId}",quantile="0.99"} 0.099`);
  });
});

describe('lateness of a job the scheduler really fires', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ SCHEDULER_ENABLED: 'true' });
  });

  afterAll(() => testApp.close());

  it('records a small, non-negative lateness on every run', async () => {
    const http = request(testApp.app.getHttpServer());
    const alice = await createUser(testApp);
    const schedule = { kind: 'cron', expression: '* * * * * *', timezone: 'UTC' };
    const target = { kind: 'handler', name: 'echo', payload: {} };
    const jobId = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody({ schedule, target })).expect(201)).body
      .id;
    const summary = await waitFor(async () => {
      const { body } = await http.get(`/api/v1/jobs/${jobId}/lateness`).set(alice.auth).expect(200);
      return body.samples >= 3 ? body : null;
    }, 10_000);
    expect(summary.p50Ms).toBeGreaterThanOrEqual(0);
    expect(summary.maxMs).toBeLessThan(250);
  });
});
