import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../test/test-app';
import { SecretBox } from '../secrets/secret-box';
import { createUser, jobBody, TestUser } from './jobs.test-fixtures';

describe('jobs API', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;
  let admin: TestUser;
  let db: DataSource;

  beforeAll(async () => {
    testApp = await createTestApp({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
    http = request(testApp.app.getHttpServer());
    db = testApp.app.get(DataSource);
    alice = await createUser(testApp);
    admin = await createUser(testApp, 'admin');
  });

  afterAll(() => testApp.close());

  const create = (user: TestUser, overrides: Record<string, unknown> = {}) =>
    http.post('/api/v1/jobs').set(user.auth).send(jobBody(overrides));

  it('creates a job, answers it with its signing secret once, and stores next_run_at', async () => {
    const response = await create(alice).expect(201);
    expect(response.body).toMatchObject({
      ownerId: alice.id,
      name: 'nightly-report',
      timezone: 'Europe/Berlin',
      status: 'active',
      version: 1,
      callCount: 0,
      lastRunAt: null,
      lastStatus: null,
      executionType: 'AT_LEAST_ONCE',
      concurrency: 'allow',
      misfire: 'fire_once',
      catchUpLimit: 100,
      retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1000, maxDelayMs: 3600000 },
      schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
      target: { kind: 'http', method: 'POST', url: 'https://example.com/hook', body: { report: 'daily' }, timeoutMs: 10000 },
    });
    expect(response.body.signingSecret).toMatch(/^[\w-]{43}$/);
    const next = new Date(response.body.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.toLocaleString('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' })).toBe('02:30');
    const fetched = await http.get(`/api/v1/jobs/${response.body.id}`).set(alice.auth).expect(200);
    expect(fetched.body.signingSecret).toBeUndefined();
    const { signingSecret: _secret, ...job } = response.body;
    expect(fetched.body).toEqual(job);
    const [stored] = await db.query(`SELECT signing_secret, next_run_at FROM jobs WHERE id = $1`, [job.id]);
    expect(stored.signing_secret).toMatch(/^enc:v1:/);
    expect(SecretBox.fromEnvironment(testApp.env).open(stored.signing_secret)).toBe(response.body.signingSecret);
    const [audit] = await db.query(`SELECT action, actor_id FROM job_audit WHERE job_id = $1`, [job.id]);
    expect(audit).toEqual({ action: 'created', actor_id: alice.id });
    await http.get(`/api/v1/jobs/${job.id}`).set(admin.auth).expect(200);
  });

  it.each([
    ['interval', { kind: 'interval', every: '30s' }],
    ['once', { kind: 'once', at: '2099-01-01T09:00:00Z' }],
    ['calendar', { kind: 'calendar', freq: 'weekly', times: ['09:00', '17:30'], daysOfWeek: ['MON', 'WED'], timezone: 'Europe/Paris', overrideDates: [{ date: '2099-12-25', action: 'skip' }] }],
    ['monthly nth weekday', { kind: 'calendar', freq: 'monthly', times: ['08:00'], nthWeekday: [{ weekday: 'FRI', nth: -1 }] }],
  ])('accepts a %s schedule', async (_kind, schedule) => {
    const response = await create(alice, { schedule, name: `kind-${schedule.kind}` }).expect(201);
    expect(response.body.schedule).toEqual(schedule);
    expect(response.body.nextRunAt).not.toBeNull();
  });

  it('accepts a handler target and respects startAt/endAt bounds', async () => {
    const response = await create(alice, {
      schedule: { kind: 'interval', every: '1h' },
      target: { kind: 'handler', name: 'cleanup', payload: { days: 30 } },
      startAt: '2099-03-01T10:15:00Z',
      endAt: '2099-04-01T00:00:00Z',
    }).expect(201);
    // Intervals without their own anchor are anchored at startAt, written into the stored schedule for every reader.
    expect(response.body.nextRunAt).toBe('2099-03-01T10:15:00.000Z');
    expect(response.body.schedule).toEqual({ kind: 'interval', every: '1h', startAt: '2099-03-01T10:15:00Z' });
    expect(response.body.target).toEqual({ kind: 'handler', name: 'cleanup', payload: { days: 30 } });
  });

  it('pauses, resumes, triggers, deletes and restores, auditing every change', async () => {
    const { body: job } = await create(alice, { name: 'lifecycle' }).expect(201);
    const paused = await http.post(`/api/v1/jobs/${job.id}/pause`).set(alice.auth).expect(200);
    expect(paused.body).toMatchObject({ status: 'paused', nextRunAt: null, version: 2 });
    await http.post(`/api/v1/jobs/${job.id}/pause`).set(alice.auth).expect(200);
    const resumed = await http.post(`/api/v1/jobs/${job.id}/resume`).set(alice.auth).expect(200);
    expect(resumed.body).toMatchObject({ status: 'active', version: 3 });
    expect(resumed.body.nextRunAt).toBe(job.nextRunAt);

    const triggered = await http.post(`/api/v1/jobs/${job.id}/trigger`).set(alice.auth).expect(202);
    expect(triggered.body).toMatchObject({ jobId: job.id, trigger: 'manual', status: 'pending', attempt: 1, startedAt: null });
    const [{ db_now }] = await db.query(`SELECT now() AS db_now`);
    expect(Math.abs(new Date(triggered.body.scheduledFor).getTime() - new Date(db_now).getTime())).toBeLessThan(5000);

    await http.delete(`/api/v1/jobs/${job.id}`).set(alice.auth).expect(204);
    const deleted = await http.get(`/api/v1/jobs/${job.id}`).set(alice.auth).expect(200);
    expect(deleted.body).toMatchObject({ status: 'deleted', nextRunAt: null });
    await http.delete(`/api/v1/jobs/${job.id}`).set(alice.auth).expect(204);
    const conflict = await http.post(`/api/v1/jobs/${job.id}/trigger`).set(alice.auth).expect(409);
    expect(conflict.body.code).toBe('job_deleted');
    const patchDeleted = await http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: deleted.body.version, name: 'x' }).expect(409);
    expect(patchDeleted.body.code).toBe('job_deleted');

    const restored = await http.post(`/api/v1/jobs/${job.id}/restore`).set(alice.auth).expect(200);
    expect(restored.body).toMatchObject({ status: 'active' });
    expect(restored.body.nextRunAt).not.toBeNull();
    const notDeleted = await http.post(`/api/v1/jobs/${job.id}/restore`).set(alice.auth).expect(409);
    expect(notDeleted.body.code).toBe('job_not_deleted');

    const audit = await http.get(`/api/v1/jobs/${job.id}/audit`).set(alice.auth).expect(200);
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual(['restored', 'deleted', 'triggered', 'resumed', 'paused', 'created']);
    expect(audit.body).toMatchObject({ total: 6, page: 1, pageSize: 20 });
    expect(audit.body.items[0]).toMatchObject({ actorId: alice.id, jobId: job.id, changes: { status: { from: 'deleted', to: 'active' } } });
  });

  it('restores a job deleted while paused to paused', async () => {
    const { body: job } = await create(alice, { name: 'paused-then-deleted' }).expect(201);
    await http.post(`/api/v1/jobs/${job.id}/pause`).set(alice.auth).expect(200);
    await http.delete(`/api/v1/jobs/${job.id}`).set(alice.auth).expect(204);
    const [row] = await db.query(`SELECT status, status_before_delete FROM jobs WHERE id = $1`, [job.id]);
    expect(row).toEqual({ status: 'deleted', status_before_delete: 'paused' });
    const restored = await http.post(`/api/v1/jobs/${job.id}/restore`).set(alice.auth).expect(200);
    expect(restored.body).toMatchObject({ status: 'paused', nextRunAt: null });
  });

  describe('PATCH', () => {
    it('updates a subset, bumps the version, recomputes nextRunAt and audits the diff', async () => {
      const { body: job } = await create(alice, { name: 'patch-me' }).expect(201);
      const response = await http
        .patch(`/api/v1/jobs/${job.id}`)
        .set(alice.auth)
        .send({ version: 1, name: 'patched', schedule: { kind: 'cron', expression: '0 0 12 * * *', timezone: 'UTC' }, retry: { maxAttempts: 5 } })
        .expect(200);
      expect(response.body).toMatchObject({
        name: 'patched',
        version: 2,
        timezone: 'UTC',
        retry: { maxAttempts: 5, backoff: 'exponential', initialDelayMs: 1000, maxDelayMs: 3600000 },
        target: job.target,
      });
      expect(response.body.nextRunAt).toMatch(/T12:00:00\.000Z$/);
      const [audit] = await db.query(`SELECT changes FROM job_audit WHERE job_id = $1 AND action = 'updated'`, [job.id]);
      expect(audit.changes).toMatchObject({ name: { from: 'patch-me', to: 'patched' }, 'retry.maxAttempts': { from: 3, to: 5 } });
    });

    it('answers 409 version_conflict for a stale version and changes nothing', async () => {
      const { body: job } = await create(alice, { name: 'contended' }).expect(201);
      await http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: 1, name: 'first' }).expect(200);
      const stale = await http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: 1, name: 'second' }).expect(409);
      expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(stale.body).toMatchObject({ status: 409, code: 'version_conflict' });
      const current = await http.get(`/api/v1/jobs/${job.id}`).set(alice.auth).expect(200);
      expect(current.body).toMatchObject({ name: 'first', version: 2 });
    });

    it('lets exactly one of two concurrent writers with the same version win', async () => {
      const { body: job } = await create(alice, { name: 'race' }).expect(201);
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((name) => http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: 1, name })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
      const [row] = await db.query(`SELECT version FROM jobs WHERE id = $1`, [job.id]);
      expect(row.version).toBe(2);
    });

    it('re-validates the merged schedule: endAt before the next fire is refused', async () => {
      const { body: job } = await create(alice, { name: 'bounded', schedule: { kind: 'once', at: '2099-06-01T00:00:00Z' } }).expect(201);
      const response = await http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: 1, endAt: '2099-01-01T00:00:00Z' }).expect(400);
      expect(response.body.errors[0].field).toBe('endAt');
    });
  });

  describe('GET /jobs/:id/schedule', () => {
    it('answers the next fire times with wall times and DST marks', async () => {
      const { body: job } = await create(alice, { name: 'dst', schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' } }).expect(201);
      const response = await http.get(`/api/v1/jobs/${job.id}/schedule?count=3`).set(alice.auth).expect(200);
      expect(response.body.timezone).toBe('Europe/Berlin');
      const fired = response.body.next.filter((o: { at: string | null }) => o.at !== null);
      expect(fired).toHaveLength(3);
      expect(fired[0]).toEqual({ at: job.nextRunAt, local: expect.stringMatching(/T02:30:00$/), offset: expect.stringMatching(/^\+0[12]:00$/), dst: 'none' });
      expect(new Date(`${fired[0].local}${fired[0].offset}`).toISOString()).toBe(job.nextRunAt);
      const defaults = await http.get(`/api/v1/jobs/${job.id}/schedule`).set(alice.auth).expect(200);
      expect(defaults.body.next.filter((o: { at: string | null }) => o.at !== null)).toHaveLength(10);
      const max = await http.get(`/api/v1/jobs/${job.id}/schedule?count=100`).set(alice.auth).expect(200);
      expect(max.body.next.filter((o: { at: string | null }) => o.at !== null)).toHaveLength(100);
    });
  });

  describe('POST /jobs/bulk', () => {
    it('creates every job in one go', async () => {
      const jobs = Array.from({ length: 1000 }, (_, i) => jobBody({ name: `bulk-${i}`, schedule: { kind: 'cron', expression: `0 ${i % 60} * * * *` } }));
      const response = await http.post('/api/v1/jobs/bulk').set(alice.auth).send({ jobs }).expect(201);
      expect(response.body.count).toBe(1000);
      expect(response.body.items[999]).toMatchObject({ name: 'bulk-999', signingSecret: expect.stringMatching(/^[\w-]{43}$/) });
      const [row] = await db.query(`SELECT count(*)::int AS n, count(DISTINCT signing_secret)::int AS secrets FROM jobs WHERE name LIKE 'bulk-%'`);
      expect(row).toEqual({ n: 1000, secrets: 1000 });
      const [audit] = await db.query(`SELECT count(*)::int AS n FROM job_audit a JOIN jobs j ON j.id = a.job_id WHERE j.name LIKE 'bulk-%'`);
      expect(audit.n).toBe(1000);
    });

    it('is all or nothing: one bad item answers 400 naming jobs[i] and inserts nothing', async () => {
      const before = await db.query(`SELECT count(*)::int AS n FROM jobs`);
      const jobs = Array.from({ length: 10 }, (_, i) => jobBody({ name: `atomic-${i}` }));
      jobs[3] = jobBody({ name: 'bad', schedule: { kind: 'cron', expression: '0 0 0 30 2 *' } });
      jobs[7] = jobBody({ name: 'bad-url', target: { kind: 'http', url: 'http://10.0.0.1/x' } });
      const response = await http.post('/api/v1/jobs/bulk').set(alice.auth).send({ jobs }).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['jobs[3].schedule.expression', 'jobs[7].target.url']);
      const after = await db.query(`SELECT count(*)::int AS n FROM jobs`);
      expect(after[0].n).toBe(before[0].n);
    });
  });

  describe('GET /jobs', () => {
    let bob: TestUser;
    beforeAll(async () => {
      bob = await createUser(testApp);
      const jobs = [
        jobBody({ name: 'zeta_report', schedule: { kind: 'once', at: '2099-01-03T00:00:00Z' } }),
        jobBody({ name: 'alpha 100%', schedule: { kind: 'once', at: '2099-01-01T00:00:00Z' } }),
        jobBody({ name: 'beta', schedule: { kind: 'interval', every: '5m' }, target: { kind: 'handler', name: 'noop' } }),
        jobBody({ name: 'gamma_x', schedule: { kind: 'once', at: '2099-01-02T00:00:00Z' } }),
        jobBody({ name: 'delta', schedule: { kind: 'calendar', freq: 'daily', times: ['09:00'] } }),
      ];
      await http.post('/api/v1/jobs/bulk').set(bob.auth).send({ jobs }).expect(201);
    });

    const list = (query: string, user = bob) => http.get(`/api/v1/jobs${query}`).set(user.auth).expect(200);
    const names = (body: { items: { name: string }[] }) => body.items.map((j) => j.name);

    it('lists only the caller’s jobs, newest first by default, with the page envelope', async () => {
      const { body } = await list('');
      expect(body).toMatchObject({ total: 5, page: 1, pageSize: 20 });
      expect(body.items.every((j: { ownerId: string }) => j.ownerId === bob.id)).toBe(true);
    });

    it('paginates: pageSize 1, pageSize 100, and a page past the end', async () => {
      const first = await list('?pageSize=1&sort=name&order=asc');
      expect(first.body).toMatchObject({ total: 5, page: 1, pageSize: 1 });
      expect(names(first.body)).toEqual(['alpha 100%']);
      const third = await list('?pageSize=1&page=3&sort=name&order=asc');
      expect(names(third.body)).toEqual(['delta']);
      const big = await list('?pageSize=100');
      expect(big.body.items).toHaveLength(5);
      const past = await list('?page=9&pageSize=2');
      expect(past.body).toEqual({ items: [], total: 5, page: 9, pageSize: 2 });
    });

    it('sorts by nextRunAt, name and createdAt in both orders', async () => {
      expect(names((await list('?sort=nextRunAt&order=asc&scheduleKind=once')).body)).toEqual(['alpha 100%', 'gamma_x', 'zeta_report']);
      expect(names((await list('?sort=nextRunAt&order=desc&scheduleKind=once')).body)).toEqual(['zeta_report', 'gamma_x', 'alpha 100%']);
      expect(names((await list('?sort=name&order=desc')).body)).toEqual(['zeta_report', 'gamma_x', 'delta', 'beta', 'alpha 100%']);
      expect((await list('?sort=createdAt&order=asc')).body.items).toHaveLength(5);
    });

    it('filters by scheduleKind, targetKind, status and name (with % and _ taken literally)', async () => {
      expect(names((await list('?targetKind=handler')).body)).toEqual(['beta']);
      expect(names((await list('?scheduleKind=calendar')).body)).toEqual(['delta']);
      expect(names((await list('?q=100%25')).body)).toEqual(['alpha 100%']);
      expect(names((await list('?q=_&sort=name&order=asc')).body)).toEqual(['gamma_x', 'zeta_report']);
      expect(names((await list('?q=ALPHA')).body)).toEqual(['alpha 100%']);
      expect((await list('?status=paused')).body.total).toBe(0);
    });

    it('hides deleted jobs unless status=deleted', async () => {
      const { body } = await list('?q=delta');
      await http.delete(`/api/v1/jobs/${body.items[0].id}`).set(bob.auth).expect(204);
      expect((await list('?q=delta')).body.total).toBe(0);
      expect(names((await list('?status=deleted')).body)).toEqual(['delta']);
      await http.post(`/api/v1/jobs/${body.items[0].id}/restore`).set(bob.auth).expect(200);
    });

    it('lets admins see everyone’s jobs and filter by ownerId; users cannot widen their view with ownerId', async () => {
      const all = await list('?pageSize=100', admin);
      expect(all.body.total).toBeGreaterThan(5);
      const bobs = await list(`?ownerId=${bob.id}`, admin);
      expect(bobs.body.total).toBe(5);
      const sneaky = await list(`?ownerId=${alice.id}`, bob);
      expect(sneaky.body.items.every((j: { ownerId: string }) => j.ownerId === bob.id)).toBe(true);
    });
  });

  it('rotates the signing secret on request', async () => {
    const { body: job } = await create(alice, { name: 'secret' }).expect(201);
    const rotated = await http.post(`/api/v1/jobs/${job.id}/rotate-secret`).set(alice.auth).expect(200);
    expect(rotated.body).toMatchObject({ id: job.id, version: 2 });
    expect(rotated.body.signingSecret).not.toBe(job.signingSecret);
    const [row] = await db.query(`SELECT signing_secret FROM jobs WHERE id = $1`, [job.id]);
    expect(SecretBox.fromEnvironment(testApp.env).open(row.signing_secret)).toBe(rotated.body.signingSecret);
  });

  it('notifies the scheduler in the same transaction as a change', async () => {
    const { Client } = await import('pg');
    const listener = new Client({ connectionString: testApp.database.url });
    await listener.connect();
    const payloads: string[] = [];
    listener.on('notification', (message) => payloads.push(message.payload ?? ''));
    await listener.query('LISTEN zer08_jobs_changed');
    const { body: job } = await create(alice, { name: 'notify' }).expect(201);
    await http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: 1, name: 'notify-2' }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await listener.end();
    expect(payloads).toEqual([job.id, job.id]);
  });

  it('documents every route and the discriminated DTOs in OpenAPI', async () => {
    const { body } = await http.get('/api/docs/openapi.json').expect(200);
    for (const path of [
      '/api/v1/jobs',
      '/api/v1/jobs/bulk',
      '/api/v1/jobs/{id}',
      '/api/v1/jobs/{id}/pause',
      '/api/v1/jobs/{id}/resume',
      '/api/v1/jobs/{id}/trigger',
      '/api/v1/jobs/{id}/restore',
      '/api/v1/jobs/{id}/schedule',
      '/api/v1/jobs/{id}/audit',
      '/api/v1/jobs/{id}/history',
      '/api/v1/jobs/{id}/lateness',
      '/api/v1/executions/{id}',
      '/api/v1/schedules/preview',
      '/api/schedule',
      '/api/jobs',
      '/api/job/{id}',
    ]) {
      expect(body.paths).toHaveProperty([path]);
    }
    expect(body.components.schemas.CreateJobDto.properties.schedule.discriminator.propertyName).toBe('kind');
    for (const dto of ['CreateJobDto', 'UpdateJobDto']) {
      expect(Object.keys(body.components.schemas[dto].properties)).toEqual(
        expect.arrayContaining(['name', 'schedule', 'executionType', 'retry', 'misfire', 'historyRetentionDays']),
      );
    }
    for (const dto of ['CompatCreateScheduleDto', 'CompatUpdateJobDto']) {
      expect(Object.keys(body.components.schemas[dto].properties)).toEqual(
        expect.arrayContaining(['name', 'trigger_timings', 'freq', 'rule_type', 'override_dates', 'callback_url', 'timezone']),
      );
    }
    expect(body.components.schemas.CompatCreateScheduleDto.required).toEqual(
      expect.arrayContaining(['trigger_timings', 'freq', 'callback_url']),
    );
    expect(body.components.schemas.BulkCreateJobsDto.properties.jobs.items).toEqual({ $ref: '#/components/schemas/CreateJobDto' });
    expect(body.paths['/api/v1/jobs'].post.requestBody.content['application/json'].examples.cron.value.name).toBe('nightly-report');
  });

  it('requires authentication on every route', async () => {
    const response = await http.get('/api/v1/jobs').expect(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    await http.post('/api/v1/schedules/preview').send({ schedule: { kind: 'interval', every: '1m' } }).expect(401);
    await http.get('/api/jobs').expect(401);
  });
});
