import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, jobBody, TestUser } from './jobs.test-fixtures';

describe('jobs API', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
    http = request(testApp.app.getHttpServer());
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
      retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1000, maxDelayMs: 3600000 },
      schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
    });
    expect(response.body.signingSecret).toMatch(/^[\w-]{43}$/);
    expect(new Date(response.body.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    const fetched = await http.get(`/api/v1/jobs/${response.body.id}`).set(alice.auth).expect(200);
    expect(fetched.body.signingSecret).toBeUndefined();
    expect(fetched.body).toEqual({ ...response.body, signingSecret: undefined });
    const [audit] = await testApp.app.get(DataSource).query(`SELECT action, actor_id FROM job_audit WHERE job_id = $1`, [response.body.id]);
    expect(audit).toEqual({ action: 'created', actor_id: alice.id });
    await http.get(`/api/v1/jobs/${response.body.id}`).set(admin.auth).expect(200);
  });
});
