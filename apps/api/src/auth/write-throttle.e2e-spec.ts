import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, jobBody, TestUser } from '../jobs/jobs.test-fixtures';

/** Writes are limited per user (AUTH_WRITE_RATE_LIMIT); reads and other users are not affected. */
describe('write throttling', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ AUTH_WRITE_RATE_LIMIT: '3', AUTH_WRITE_RATE_WINDOW_SECONDS: '60' });
    http = request(testApp.app.getHttpServer());
    [alice, bob] = await Promise.all([createUser(testApp), createUser(testApp)]);
  });

  afterAll(() => testApp.close());

  const jobsOf = async (user: TestUser) =>
    (await testApp.app.get(DataSource).query('SELECT count(*)::int AS n FROM jobs WHERE owner_id = $1', [user.id]))[0]
      .n;

  it('answers 429 problem+json with Retry-After past the limit and creates nothing', async () => {
    for (let i = 0; i < 3; i += 1) await http.post('/api/v1/jobs').set(alice.auth).send(jobBody()).expect(201);
    const limited = await http.post('/api/v1/jobs').set(alice.auth).send(jobBody()).expect(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(await jobsOf(alice)).toBe(3);
    const { body } = await http.get('/api/v1/jobs?pageSize=1').set(alice.auth).expect(200);
    await http
      .patch(`/api/v1/jobs/${body.items[0].id}`)
      .set(alice.auth)
      .send({ version: 1, name: 'renamed' })
      .expect(429);
    await http.delete(`/api/v1/jobs/${body.items[0].id}`).set(alice.auth).expect(429);
  });

  it('counts each user separately', async () => {
    await http.post('/api/v1/jobs').set(bob.auth).send(jobBody()).expect(201);
    expect(await jobsOf(bob)).toBe(1);
  });
});
