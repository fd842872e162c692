import request from 'supertest';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, jobBody, snapshotTables, TestUser } from '../jobs/jobs.test-fixtures';

describe('seed compatibility routes (/api/schedule, /api/jobs, /api/job/:id)', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
    http = request(testApp.app.getHttpServer());
    alice = await createUser(testApp);
  });

  afterAll(() => testApp.close());

  const seedJob = {
    start_date: '2099-01-01',
    end_date: '2099-12-31',
    trigger_timings: ['09:00', '17:30'],
    freq: 'weekly',
    rule_type: 'days_of_week',
    rule_value: ['MON', 'wed'],
    override_dates: [{ date: '2099-01-05', action: 'skip' }],
    callback_url: 'https://example.com/hook',
    metadata: { team: 'ops' },
  };

  it('creates a job from the seed shape and answers in it', async () => {
    const { body } = await http.post('/api/schedule').set(alice.auth).send(seedJob).expect(201);
    expect(body).toMatchObject({
      ...seedJob,
      rule_value: ['MON', 'WED'],
      status: 'active',
      call_count: 0,
      last_triggered: null,
      timezone: 'UTC',
      next_trigger: '2099-01-07T09:00:00.000Z', // Monday the 5th is skipped
    });
    const v1 = await http.get(`/api/v1/jobs/${body.id}`).set(alice.auth).expect(200);
    expect(v1.body).toMatchObject({
      schedule: {
        kind: 'calendar',
        freq: 'weekly',
        times: ['09:00', '17:30'],
        daysOfWeek: ['MON', 'WED'],
        startDate: '2099-01-01',
        endDate: '2099-12-31',
        overrideDates: [{ date: '2099-01-05', action: 'skip' }],
      },
      target: { kind: 'http', method: 'POST', url: 'https://example.com/hook', body: { team: 'ops' } },
      metadata: { team: 'ops' },
    });
    const fetched = await http.get(`/api/job/${body.id}`).set(alice.auth).expect(200);
    expect(fetched.body).toEqual(body);
  });

  it('maps days_of_month, nth_weekday and none', async () => {
    const monthly = await http
      .post('/api/schedule')
      .set(alice.auth)
      .send({ ...seedJob, freq: 'monthly', rule_type: 'days_of_month', rule_value: [1, -1], override_dates: [] })
      .expect(201);
    expect(monthly.body).toMatchObject({ rule_type: 'days_of_month', rule_value: [1, -1], next_trigger: '2099-01-01T09:00:00.000Z' });
    const nth = await http
      .post('/api/schedule')
      .set(alice.auth)
      .send({ ...seedJob, freq: 'monthly', rule_type: 'nth_weekday', rule_value: [{ weekday: 'fri', nth: 2 }], override_dates: [] })
      .expect(201);
    expect(nth.body).toMatchObject({ rule_type: 'nth_weekday', rule_value: [{ weekday: 'FRI', nth: 2 }], next_trigger: '2099-01-09T09:00:00.000Z' });
    const daily = await http.post('/api/schedule').set(alice.auth).send({ trigger_timings: ['06:00'], freq: 'daily', callback_url: 'https://example.com/d' }).expect(201);
    expect(daily.body).toMatchObject({ rule_type: 'none', rule_value: null, start_date: null, end_date: null, name: 'daily 06:00' });
  });

  it('lists the caller’s calendar jobs in the seed envelope, paginated', async () => {
    await http.post('/api/v1/jobs').set(alice.auth).send(jobBody({ name: 'a cron job the seed shape cannot express' })).expect(201);
    const { body } = await http.get('/api/jobs?page_size=2').set(alice.auth).expect(200);
    expect(body).toMatchObject({ total: 4, page: 1, page_size: 2 });
    expect(body.jobs).toHaveLength(2);
    expect(body.jobs[0]).toHaveProperty('trigger_timings');
    const past = await http.get('/api/jobs?page=10').set(alice.auth).expect(200);
    expect(past.body).toEqual({ jobs: [], total: 4, page: 10, page_size: 20 });
  });

  it('patches fields, pauses and resumes through status, and deletes', async () => {
    const { body: job } = await http.post('/api/schedule').set(alice.auth).send(seedJob).expect(201);
    const changed = await http
      .patch(`/api/job/${job.id}`)
      .set(alice.auth)
      .send({ trigger_timings: ['10:00'], rule_value: ['TUE'], callback_url: 'https://example.org/new' })
      .expect(200);
    expect(changed.body).toMatchObject({ trigger_timings: ['10:00'], rule_value: ['TUE'], callback_url: 'https://example.org/new', next_trigger: '2099-01-06T10:00:00.000Z' });
    const paused = await http.patch(`/api/job/${job.id}`).set(alice.auth).send({ status: 'paused' }).expect(200);
    expect(paused.body).toMatchObject({ status: 'paused', next_trigger: null });
    const resumed = await http.patch(`/api/job/${job.id}`).set(alice.auth).send({ status: 'active' }).expect(200);
    expect(resumed.body.status).toBe('active');
    await http.delete(`/api/job/${job.id}`).set(alice.auth).expect(204);
    const deleted = await http.get(`/api/job/${job.id}`).set(alice.auth).expect(200);
    expect(deleted.body.status).toBe('deleted');
  });

  it('does not expose jobs the seed shape cannot express', async () => {
    const { body } = await http.post('/api/v1/jobs').set(alice.auth).send(jobBody({ name: 'cron only' })).expect(201);
    await http.get(`/api/job/${body.id}`).set(alice.auth).expect(404);
  });

  it.each([
    [{ ...seedJob, trigger_timings: ['25:00'] }, 'trigger_timings[0]'],
    [{ ...seedJob, trigger_timings: [] }, 'trigger_timings'],
    [{ ...seedJob, callback_url: 'ftp://example.com/x' }, 'callback_url'],
    [{ ...seedJob, callback_url: 'http://127.0.0.1/x' }, 'callback_url'],
    [{ ...seedJob, rule_value: ['MOON'] }, 'rule_value[0]'],
    [{ ...seedJob, rule_type: undefined, rule_value: undefined }, 'rule_value'],
    [{ ...seedJob, freq: 'hourly' }, 'freq'],
    [{ ...seedJob, start_date: '2099-02-30' }, 'start_date'],
    [{ ...seedJob, end_date: '2001-01-01', start_date: '2000-01-01' }, 'end_date'],
    [{ ...seedJob, unknown: 1 }, 'unknown'],
    [{ ...seedJob, override_dates: [{ date: '2099-01-01', action: 'explode' }] }, 'override_dates[0].action'],
  ])('refuses bad seed input %#, naming the snake_case field', async (body, field) => {
    const before = await snapshotTables(testApp);
    const response = await http.post('/api/schedule').set(alice.auth).send(body).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await snapshotTables(testApp)).toEqual(before);
  });
});
