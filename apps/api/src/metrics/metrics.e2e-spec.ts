import request from 'supertest';
import { createTestApp, TestApp } from '../../test/test-app';
import { DataSource } from 'typeorm';

describe('GET /metrics', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // The scheduler stays off so the pending row below is not picked up while we scrape.
    testApp = await createTestApp({ SCHEDULER_ENABLED: 'false' });
  });

  afterAll(() => testApp.close());

  it('serves the Prometheus text format without a token, with every documented ZER08 metric', async () => {
    const response = await request(testApp.app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    for (const name of [
      'zer08_fires_total',
      'zer08_fire_lateness_seconds',
      'zer08_executions_total',
      'zer08_callback_duration_seconds',
      'zer08_leader',
      'zer08_leader_epoch',
      'zer08_lock_session_up',
      'zer08_executions_pending',
      'zer08_executions_running',
      'zer08_process_resident_memory_bytes',
      'zer08_nodejs_eventloop_lag_seconds',
    ]) {
      expect(response.text).toContain(`# TYPE ${name} `);
    }
  });

  it('reads pending executions from the database at scrape time', async () => {
    const server = testApp.app.getHttpServer();
    expect((await request(server).get('/metrics')).text).toMatch(/^zer08_executions_pending 0$/m);

    const dataSource = testApp.app.get(DataSource);
    const [user] = await dataSource.query(
      `INSERT INTO users (email, password_hash, role) VALUES ('metrics@test', 'x', 'user') RETURNING id`,
    );
    const [job] = await dataSource.query(
      `INSERT INTO jobs (owner_id, name, schedule, target, signing_secret)
       VALUES ($1, 'm', '{"kind":"once","at":"2030-01-01T00:00:00Z"}', '{"kind":"handler","name":"noop"}', 's') RETURNING id`,
      [user.id],
    );
    await dataSource.query(
      `INSERT INTO executions (job_id, scheduled_for) VALUES ($1, now()), ($1, now() + interval '1 second')`,
      [job.id],
    );
    expect((await request(server).get('/metrics')).text).toMatch(/^zer08_executions_pending 2$/m);
  });
});
