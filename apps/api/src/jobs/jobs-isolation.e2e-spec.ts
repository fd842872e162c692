import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, jobBody, snapshotTables, TestUser } from './jobs.test-fixtures';

/** Another user's job does not exist for you: 404 on every route, never 403, never a change. */
describe('job isolation', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;
  let bob: TestUser;
  let admin: TestUser;
  let jobId: string;
  let compatJobId: string;
  let executionId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    [alice, bob, admin] = await Promise.all([createUser(testApp), createUser(testApp), createUser(testApp, 'admin')]);
    jobId = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody({ name: 'alice-secret-job' })).expect(201)).body.id;
    compatJobId = (
      await http
        .post('/api/schedule')
        .set(alice.auth)
        .send({ trigger_timings: ['09:00'], freq: 'daily', callback_url: 'https://example.com/a' })
        .expect(201)
    ).body.id;
    executionId = (await http.post(`/api/v1/jobs/${jobId}/trigger`).set(alice.auth).expect(202)).body.id;
  });

  afterAll(() => testApp.close());

  const routes = (): [string, string, object?][] => [
    ['get', `/api/v1/jobs/${jobId}`],
    ['patch', `/api/v1/jobs/${jobId}`, { version: 1, name: 'stolen' }],
    ['delete', `/api/v1/jobs/${jobId}`],
    ['post', `/api/v1/jobs/${jobId}/restore`],
    ['post', `/api/v1/jobs/${jobId}/pause`],
    ['post', `/api/v1/jobs/${jobId}/resume`],
    ['post', `/api/v1/jobs/${jobId}/trigger`],
    ['post', `/api/v1/jobs/${jobId}/rotate-secret`],
    ['get', `/api/v1/jobs/${jobId}/schedule`],
    ['get', `/api/v1/jobs/${jobId}/audit`],
    ['get', `/api/v1/jobs/${jobId}/history`],
    ['get', `/api/v1/executions/${executionId}`],
    ['get', `/api/job/${compatJobId}`],
    ['patch', `/api/job/${compatJobId}`, { status: 'paused' }],
    ['delete', `/api/job/${compatJobId}`],
  ];

  it('answers 404 problem+json to another user on every route and changes nothing', async () => {
    const before = await snapshotTables(testApp);
    for (const [method, path, body] of routes()) {
      const call = (http as unknown as Record<string, (p: string) => request.Test>)[method](path).set(bob.auth);
      const response = await (body ? call.send(body) : call);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 404, code: 'not_found' });
      expect(JSON.stringify(response.body)).not.toContain('alice-secret-job');
    }
    expect(await snapshotTables(testApp)).toEqual(before);
  });

  it('answers the same 404 for a job that does not exist at all', async () => {
    const missing = await http.get('/api/v1/jobs/00000000-0000-4000-8000-000000000000').set(bob.auth).expect(404);
    const foreign = await http.get(`/api/v1/jobs/${jobId}`).set(bob.auth).expect(404);
    expect({ ...missing.body, instance: undefined }).toEqual({ ...foreign.body, instance: undefined });
  });

  it('never lists another user’s jobs, in either API', async () => {
    const v1 = await http.get('/api/v1/jobs?pageSize=100').set(bob.auth).expect(200);
    expect(v1.body).toMatchObject({ items: [], total: 0 });
    const deleted = await http.get('/api/v1/jobs?status=deleted').set(bob.auth).expect(200);
    expect(deleted.body.total).toBe(0);
    const compat = await http.get('/api/jobs').set(bob.auth).expect(200);
    expect(compat.body).toMatchObject({ jobs: [], total: 0 });
  });

  it('lets the owner and an admin reach every route', async () => {
    for (const user of [alice, admin]) {
      await http.get(`/api/v1/jobs/${jobId}`).set(user.auth).expect(200);
      await http.get(`/api/v1/jobs/${jobId}/schedule`).set(user.auth).expect(200);
      await http.get(`/api/v1/jobs/${jobId}/audit`).set(user.auth).expect(200);
      await http.get(`/api/v1/jobs/${jobId}/history`).set(user.auth).expect(200);
      await http.get(`/api/v1/executions/${executionId}`).set(user.auth).expect(200);
      await http.get(`/api/job/${compatJobId}`).set(user.auth).expect(200);
    }
    const paused = await http.post(`/api/v1/jobs/${jobId}/pause`).set(admin.auth).expect(200);
    expect(paused.body.status).toBe('paused');
    await http.post(`/api/v1/jobs/${jobId}/resume`).set(admin.auth).expect(200);
    const patched = await http.patch(`/api/v1/jobs/${jobId}`).set(admin.auth).send({ version: 3, description: 'checked by admin' }).expect(200);
    expect(patched.body).toMatchObject({ ownerId: alice.id, description: 'checked by admin' });
    await http.post(`/api/v1/jobs/${jobId}/trigger`).set(admin.auth).expect(202);
    await http.delete(`/api/v1/jobs/${jobId}`).set(admin.auth).expect(204);
    await http.post(`/api/v1/jobs/${jobId}/restore`).set(admin.auth).expect(200);
    const audit = await http.get(`/api/v1/jobs/${jobId}/audit`).set(alice.auth).expect(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'restored', actorId: admin.id });
    const [{ n }] = await testApp.app.get(DataSource).query(`SELECT count(*)::int AS n FROM jobs WHERE owner_id = $1`, [admin.id]);
    expect(n).toBe(0);
    const all = await http.get('/api/v1/jobs').set(admin.auth).expect(200);
    expect(all.body.items.map((j: { id: string }) => j.id)).toEqual(expect.arrayContaining([jobId, compatJobId]));
    const compat = await http.get('/api/jobs').set(admin.auth).expect(200);
    expect(compat.body.jobs.map((j: { id: string }) => j.id)).toEqual([compatJobId]);
  });
});
