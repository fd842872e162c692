import request from 'supertest';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, jobBody, TestUser } from './jobs.test-fixtures';

/** Who created, changed, paused or deleted a job: recorded with the change, read from the job's audit route. */
describe('job audit trail', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    [alice, admin] = await Promise.all([createUser(testApp), createUser(testApp, 'admin')]);
  });

  afterAll(() => testApp.close());

  it('records each PATCH with the user who made it and what changed', async () => {
    const job = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody({ name: 'audited' })).expect(201)).body;
    await http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: 1, name: 'renamed-by-alice' }).expect(200);
    await http.patch(`/api/v1/jobs/${job.id}`).set(admin.auth).send({ version: 2, description: 'noted by an admin' }).expect(200);
    await http.post(`/api/v1/jobs/${job.id}/pause`).set(alice.auth).expect(200);
    await http.delete(`/api/v1/jobs/${job.id}`).set(admin.auth).expect(204);

    const { body } = await http.get(`/api/v1/jobs/${job.id}/audit`).set(alice.auth).expect(200);
    expect(body.items.map((entry: { action: string; actorId: string }) => [entry.action, entry.actorId])).toEqual([
      ['deleted', admin.id],
      ['paused', alice.id],
      ['updated', admin.id],
      ['updated', alice.id],
      ['created', alice.id],
    ]);
    expect(body.items[3].changes).toEqual({ name: { from: 'audited', to: 'renamed-by-alice' } });
    expect(body.items[2].changes).toEqual({ description: { from: null, to: 'noted by an admin' } });
  });

  it('keeps a refused PATCH out of the trail', async () => {
    const job = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody()).expect(201)).body;
    await http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: 1, name: '' }).expect(400);
    await http.patch(`/api/v1/jobs/${job.id}`).set(alice.auth).send({ version: 7, name: 'stale' }).expect(409);
    const { body } = await http.get(`/api/v1/jobs/${job.id}/audit`).set(alice.auth).expect(200);
    expect(body.items.map((entry: { action: string }) => entry.action)).toEqual(['created']);
  });
});
