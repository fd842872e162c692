import request from 'supertest';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, jobBody, snapshotTables, TestUser } from './jobs.test-fixtures';

type Method = 'get' | 'post' | 'patch' | 'delete';
interface BadRequest {
  name: string;
  method: Method;
  path: string | ((jobId: string) => string);
  body?: unknown;
  raw?: string;
  status?: number;
  /** The field the problem must name; body-parser failures (malformed, too large) concern the whole body instead. */
  field: string | null;
}

const cron = (expression: string, extra: object = {}) => jobBody({ schedule: { kind: 'cron', expression, ...extra } });
const http_ = (target: object) => jobBody({ target: { kind: 'http', url: 'https://example.com/hook', ...target } });
const post = (name: string, body: unknown, field: string, status = 400): BadRequest => ({ name, method: 'post', path: '/api/v1/jobs', body, field, status });

/** Every one answers 4xx problem+json naming the field, and leaves jobs, executions and job_audit untouched. */
const CASES: BadRequest[] = [
  post('bad cron syntax', cron('61 * * * * *'), 'schedule.expression'),
  post('cron with too many fields', cron('* * * * * * * *'), 'schedule.expression'),
  post('strict step syntax', cron('0/15 * * * *'), 'schedule.expression'),
  post('never-firing cron', cron('0 0 0 30 2 *'), 'schedule.expression'),
  post('@reboot', cron('@reboot'), 'schedule.expression'),
  post('unknown time zone', cron('0 * * * *', { timezone: 'Europe/Atlantis' }), 'schedule.timezone'),
  post('bad cron dialect', cron('0 * * * *', { dialect: 'unix' }), 'schedule.dialect'),
  post('bad dst policy', cron('0 * * * *', { dst: { gap: 'jump' } }), 'schedule.dst.gap'),
  post('unknown field inside the schedule', cron('0 * * * *', { seconds: true }), 'schedule.seconds'),
  post('unknown schedule kind', jobBody({ schedule: { kind: 'hourly' } }), 'schedule.kind'),
  post('schedule of the wrong type', jobBody({ schedule: '0 * * * *' }), 'schedule'),
  post('missing schedule', jobBody({ schedule: undefined }), 'schedule'),
  post('interval of zero', jobBody({ schedule: { kind: 'interval', every: '0s' } }), 'schedule.every'),
  post('interval in months', jobBody({ schedule: { kind: 'interval', every: 'P1M' } }), 'schedule.every'),
  post('once in the past', jobBody({ schedule: { kind: 'once', at: '2001-01-01T00:00:00Z' } }), 'schedule.at'),
  post('once not an instant', jobBody({ schedule: { kind: 'once', at: 'tomorrow' } }), 'schedule.at'),
  post('calendar weekly without days', jobBody({ schedule: { kind: 'calendar', freq: 'weekly', times: ['09:00'] } }), 'schedule.daysOfWeek'),
  post('calendar bad time', jobBody({ schedule: { kind: 'calendar', freq: 'daily', times: ['24:00'] } }), 'schedule.times[0]'),
  post('calendar bad weekday', jobBody({ schedule: { kind: 'calendar', freq: 'weekly', times: ['09:00'], daysOfWeek: ['FUN'] } }), 'schedule.daysOfWeek'),
  post(
    'calendar bad override action',
    jobBody({ schedule: { kind: 'calendar', freq: 'daily', times: ['09:00'], overrideDates: [{ date: '2099-01-01', action: 'explode' }] } }),
    'schedule.overrideDates[0].action',
  ),
  post('calendar ended in the past', jobBody({ schedule: { kind: 'calendar', freq: 'daily', times: ['09:00'], endDate: '2001-01-01' } }), 'schedule.endDate'),
  post('endAt before startAt', jobBody({ startAt: '2099-02-01T00:00:00Z', endAt: '2099-01-01T00:00:00Z' }), 'endAt'),
  post('endAt in the past', jobBody({ endAt: '2001-01-01T00:00:00Z' }), 'endAt'),
  post('startAt not a date', jobBody({ startAt: 'soon' }), 'startAt'),
  post('private callback (RFC 1918)', http_({ url: 'http://192.168.1.10/hook' }), 'target.url'),
  post('loopback callback', http_({ url: 'http://localhost:8080/hook' }), 'target.url'),
  post('IPv6 loopback callback', http_({ url: 'http://[::1]/hook' }), 'target.url'),
  post('cloud metadata callback', http_({ url: 'http://169.254.169.254/latest/meta-data' }), 'target.url'),
  post('CGNAT callback', http_({ url: 'http://100.64.1.1/' }), 'target.url'),
  post('ULA callback', http_({ url: 'http://[fd00::1]/' }), 'target.url'),
  post('ftp callback', http_({ url: 'ftp://example.com/file' }), 'target.url'),
  post('relative callback', http_({ url: '/hook' }), 'target.url'),
  post('callback with credentials', http_({ url: 'https://user:pw@example.com/' }), 'target.url'),
  post('bad HTTP method', http_({ method: 'TRACE' }), 'target.method'),
  post('timeout too small', http_({ timeoutMs: 5 }), 'target.timeoutMs'),
  post('header value not a string', http_({ headers: { 'X-Count': 3 } }), 'target.headers.X-Count'),
  post('reserved header', http_({ headers: { Host: 'evil.example' } }), 'target.headers.Host'),
  post('unknown target field', http_({ verb: 'POST' }), 'target.verb'),
  post('unknown target kind', jobBody({ target: { kind: 'email', to: 'x@example.com' } }), 'target.kind'),
  post('handler name with spaces', jobBody({ target: { kind: 'handler', name: 'rm -rf' } }), 'target.name'),
  post('missing target', jobBody({ target: undefined }), 'target'),
  post('unknown top-level field', jobBody({ owner: 'someone-else' }), 'owner'),
  post('status is not writable', jobBody({ status: 'paused' }), 'status'),
  post('missing name', jobBody({ name: undefined }), 'name'),
  post('empty name', jobBody({ name: '' }), 'name'),
  post('name too long', jobBody({ name: 'x'.repeat(201) }), 'name'),
  post('name of the wrong type', jobBody({ name: 42 }), 'name'),
  post('bad executionType', jobBody({ executionType: 'EXACTLY_ONCE' }), 'executionType'),
  post('bad concurrency', jobBody({ concurrency: 'sometimes' }), 'concurrency'),
  post('bad misfire', jobBody({ misfire: 'panic' }), 'misfire'),
  post('catchUpLimit out of range', jobBody({ catchUpLimit: 0 }), 'catchUpLimit'),
  post('bad retry backoff', jobBody({ retry: { backoff: 'linear' } }), 'retry.backoff'),
  post('retry maxAttempts as a string', jobBody({ retry: { maxAttempts: '3' } }), 'retry.maxAttempts'),
  post('unknown retry field', jobBody({ retry: { jitter: true } }), 'retry.jitter'),
  post('maxDelayMs below initialDelayMs', jobBody({ retry: { initialDelayMs: 5000, maxDelayMs: 10 } }), 'retry.maxDelayMs'),
  post('metadata not an object', jobBody({ metadata: 'tags' }), 'metadata'),
  post('negative historyRetentionDays', jobBody({ historyRetentionDays: -1 }), 'historyRetentionDays'),
  { name: 'malformed JSON', method: 'post', path: '/api/v1/jobs', raw: '{"name": ', field: 'body' },
  { name: 'body over 1 MB', method: 'post', path: '/api/v1/jobs', body: jobBody({ metadata: { blob: 'x'.repeat(1_100_000) } }), status: 413, field: 'body' },
  { name: 'empty bulk', method: 'post', path: '/api/v1/jobs/bulk', body: { jobs: [] }, field: 'jobs' },
  { name: 'bulk over 1,000', method: 'post', path: '/api/v1/jobs/bulk', body: { jobs: Array.from({ length: 1001 }, () => ({ name: 'x' })) }, field: 'jobs' },
  { name: 'bulk not a list', method: 'post', path: '/api/v1/jobs/bulk', body: { jobs: jobBody() }, field: 'jobs' },
  { name: 'bulk item unknown field', method: 'post', path: '/api/v1/jobs/bulk', body: { jobs: [jobBody(), jobBody({ nope: 1 })] }, field: 'jobs[1].nope' },
  { name: 'bulk item bad cron', method: 'post', path: '/api/v1/jobs/bulk', body: { jobs: [jobBody(), jobBody(), cron('0 0 0 30 2 *')] }, field: 'jobs[2].schedule.expression' },
  { name: 'bulk item private URL', method: 'post', path: '/api/v1/jobs/bulk', body: { jobs: [http_({ url: 'http://10.1.1.1/' })] }, field: 'jobs[0].target.url' },
  { name: 'bad UUID on GET', method: 'get', path: '/api/v1/jobs/not-a-uuid', field: 'id' },
  { name: 'bad UUID on PATCH', method: 'patch', path: '/api/v1/jobs/123', body: { version: 1 }, field: 'id' },
  { name: 'bad UUID on DELETE', method: 'delete', path: "/api/v1/jobs/1'%20OR%201=1", field: 'id' },
  { name: 'bad UUID on trigger', method: 'post', path: '/api/v1/jobs/xyz/trigger', field: 'id' },
  { name: 'bad UUID on execution', method: 'get', path: '/api/v1/executions/xyz', field: 'id' },
  { name: 'bad UUID on compat', method: 'get', path: '/api/job/xyz', field: 'id' },
  { name: 'page 0', method: 'get', path: '/api/v1/jobs?page=0', field: 'page' },
  { name: 'page not a number', method: 'get', path: '/api/v1/jobs?page=abc', field: 'page' },
  { name: 'pageSize 0', method: 'get', path: '/api/v1/jobs?pageSize=0', field: 'pageSize' },
  { name: 'pageSize 101', method: 'get', path: '/api/v1/jobs?pageSize=101', field: 'pageSize' },
  { name: 'pageSize fractional', method: 'get', path: '/api/v1/jobs?pageSize=1.5', field: 'pageSize' },
  { name: 'bad sort', method: 'get', path: '/api/v1/jobs?sort=owner', field: 'sort' },
  { name: 'bad order', method: 'get', path: '/api/v1/jobs?order=up', field: 'order' },
  { name: 'bad status filter', method: 'get', path: '/api/v1/jobs?status=running', field: 'status' },
  { name: 'bad scheduleKind filter', method: 'get', path: '/api/v1/jobs?scheduleKind=hourly', field: 'scheduleKind' },
  { name: 'unknown query parameter', method: 'get', path: '/api/v1/jobs?limit=5', field: 'limit' },
  { name: 'bad ownerId filter', method: 'get', path: '/api/v1/jobs?ownerId=me', field: 'ownerId' },
  { name: 'history bad page', method: 'get', path: (id) => `/api/v1/jobs/${id}/history?page=-1`, field: 'page' },
  { name: 'history bad from', method: 'get', path: (id) => `/api/v1/jobs/${id}/history?from=yesterday`, field: 'from' },
  { name: 'history bad status', method: 'get', path: (id) => `/api/v1/jobs/${id}/history?status=done`, field: 'status' },
  { name: 'schedule count 0', method: 'get', path: (id) => `/api/v1/jobs/${id}/schedule?count=0`, field: 'count' },
  { name: 'schedule count 101', method: 'get', path: (id) => `/api/v1/jobs/${id}/schedule?count=101`, field: 'count' },
  { name: 'audit pageSize 1000', method: 'get', path: (id) => `/api/v1/jobs/${id}/audit?pageSize=1000`, field: 'pageSize' },
  { name: 'PATCH without version', method: 'patch', path: (id) => `/api/v1/jobs/${id}`, body: { name: 'x' }, field: 'version' },
  { name: 'PATCH with a bad cron', method: 'patch', path: (id) => `/api/v1/jobs/${id}`, body: { version: 1, schedule: { kind: 'cron', expression: 'nope' } }, field: 'schedule.expression' },
  { name: 'PATCH with a private URL', method: 'patch', path: (id) => `/api/v1/jobs/${id}`, body: { version: 1, target: { kind: 'http', url: 'http://127.0.0.1/' } }, field: 'target.url' },
  { name: 'PATCH with an unknown field', method: 'patch', path: (id) => `/api/v1/jobs/${id}`, body: { version: 1, ownerId: 'x' }, field: 'ownerId' },
  { name: 'PATCH end before start', method: 'patch', path: (id) => `/api/v1/jobs/${id}`, body: { version: 1, startAt: '2099-02-01T00:00:00Z', endAt: '2099-01-01T00:00:00Z' }, field: 'endAt' },
  { name: 'compat bad page_size', method: 'get', path: '/api/jobs?page_size=500', field: 'page_size' },
  { name: 'compat PATCH bad status', method: 'patch', path: (id) => `/api/job/${id}`, body: { status: 'deleted' }, field: 'status' },
];

describe('bad requests', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;
  let jobId: string;
  let compatJobId: string;

  beforeAll(async () => {
    testApp = await createTestApp({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
    http = request(testApp.app.getHttpServer());
    alice = await createUser(testApp);
    jobId = (await http.post('/api/v1/jobs').set(alice.auth).send(jobBody()).expect(201)).body.id;
    compatJobId = (
      await http.post('/api/schedule').set(alice.auth).send({ trigger_timings: ['09:00'], freq: 'daily', callback_url: 'https://example.com/a' }).expect(201)
    ).body.id;
  });

  afterAll(() => testApp.close());

  it(`has at least 40 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: 4xx problem+json naming the field, nothing stored', async (_name, c) => {
    const before = await snapshotTables(testApp);
    const rawPath = typeof c.path === 'function' ? c.path(c.path.toString().includes('/api/job/') ? compatJobId : jobId) : c.path;
    let call = http[c.method](rawPath).set(alice.auth);
    if (c.raw !== undefined) call = call.set('Content-Type', 'application/json').send(c.raw);
    else if (c.body !== undefined) call = call.send(c.body as object);
    const response = await call;
    expect({ status: response.status, body: response.body }).toMatchObject({ status: c.status ?? 400 });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: c.status ?? 400, type: expect.any(String), title: expect.any(String) });
    if (c.field !== null) expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(c.field);
    expect(await snapshotTables(testApp)).toEqual(before);
  });
});
