import { Logger } from '@nestjs/common';
import request from 'supertest';
import { LogCapture } from '../../test/log-capture';
import { createTestApp, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TestApp } from '../../test/test-app';
import { createUser, jobBody, TestUser } from '../jobs/jobs.test-fixtures';
import { JobsService } from '../jobs/jobs.service';

type LogLine = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('structured logs (real app, LOG_LEVEL=info)', () => {
  const capture = new LogCapture();
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;

  /** The request line is written when the response finishes, which can be a moment after the client has it. */
  async function lineWhere(predicate: (line: LogLine) => boolean): Promise<LogLine> {
    for (let i = 0; i < 50; i++) {
      const line = capture.lines.find(predicate);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no such log line in:\n${capture.text}`);
  }

  const requestLine = (requestId: string) =>
    lineWhere((line) => line.requestId === requestId && typeof line.responseTime === 'number');

  beforeAll(async () => {
    testApp = await createTestApp({ LOG_LEVEL: 'info' }, { logDestination: capture });
    http = request(testApp.app.getHttpServer());
    alice = await createUser(testApp);
  });

  afterAll(() => testApp.close());

  it("writes Nest's own start-up lines as JSON with their context", () => {
    expect(capture.lines.length).toBeGreaterThan(0);
    expect(capture.lines.find((line) => line.context === 'NestFactory')).toMatchObject({
      level: 'info',
      service: 'zer08',
      replicaId: expect.any(String),
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("keeps the caller's X-Request-Id, echoes it, and logs the request under it", async () => {
    const response = await http
      .get('/api/v1/jobs?status=active')
      .set(alice.auth)
      .set('X-Request-Id', 'abc-123')
      .expect(200);
    expect(response.headers['x-request-id']).toBe('abc-123');
    const line = await requestLine('abc-123');
    expect(line).toMatchObject({
      level: 'info',
      requestId: 'abc-123',
      req: { method: 'GET', url: '/api/v1/jobs?status=active' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(line.req).not.toHaveProperty('headers');
    expect(line.res).not.toHaveProperty('headers');
  });

  it('gives a request without an id a new UUID', async () => {
    const response = await http.get('/api/v1/jobs').set(alice.auth).expect(200);
    const requestId = response.headers['x-request-id'] as string;
    expect(requestId).toMatch(UUID);
    expect(await requestLine(requestId)).toMatchObject({ req: { method: 'GET', url: '/api/v1/jobs' } });
  });

  it('logs health probes at debug, below LOG_LEVEL=info', async () => {
    const response = await http.get('/health/live').expect(200);
    await requestLine((await http.get('/api/v1/jobs').set(alice.auth)).headers['x-request-id'] as string);
    expect(capture.lines.some((line) => line.requestId === response.headers['x-request-id'])).toBe(false);
  });

  it('logs a request the body parser refuses, at warn', async () => {
    const response = await http
      .post('/api/v1/jobs')
      .set(alice.auth)
      .set('Content-Type', 'application/json')
      .send('{"name":');
    expect(response.status).toBe(400);
    expect(await requestLine(response.headers['x-request-id'] as string)).toMatchObject({
      level: 'warn',
      res: { statusCode: 400 },
    });
  });

  it('never logs a password, a token or a signing secret', async () => {
    const login = await http
      .post('/api/v1/auth/login')
      .send({ email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD })
      .expect(200);
    const { accessToken, refreshToken } = login.body as { accessToken: string; refreshToken: string };
    const targetToken = 'target-bearer-token-that-must-stay-private';
    const created = await http
      .post('/api/v1/jobs')
      .set('Authorization', `Bearer ${accessToken}`)
      .set('Cookie', 'session=cookie-value-that-must-stay-private')
      .send(
        jobBody({ target: { ...(jobBody().target as object), headers: { Authorization: `Bearer ${targetToken}` } } }),
      )
      .expect(201);
    const { signingSecret } = created.body as { signingSecret: string };
    await http.post('/api/v1/auth/refresh').send({ refreshToken }).expect(200);
    await http
      .post('/api/v1/auth/login')
      .send({ email: TEST_ADMIN_EMAIL, password: 'wrong-password-that-must-stay-private' })
      .expect(401);
    await requestLine(created.headers['x-request-id'] as string);

    for (const secret of [
      TEST_ADMIN_PASSWORD,
      'wrong-password-that-must-stay-private',
      accessToken,
      refreshToken,
      signingSecret,
      targetToken,
      'cookie-value-that-must-stay-private',
      testApp.env.JWT_SECRET as string,
    ]) {
      expect(capture.text).not.toContain(secret);
    }
  });

  it("tags lines logged through Nest's Logger during a request with its id, and the 500 with its correlation id", async () => {
    const jobs = testApp.app.get(JobsService);
    const create = jest.spyOn(jobs, 'create').mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      new Logger('Probe').error({ msg: 'about to fail', jobId: 'j-probe' });
      throw new Error('database exploded');
    });
    try {
      const response = await http
        .post('/api/v1/jobs')
        .set(alice.auth)
        .set('X-Request-Id', 'req-500')
        .send(jobBody())
        .expect(500);
      expect(await lineWhere((line) => line.context === 'Probe')).toMatchObject({
        level: 'error',
        msg: 'about to fail',
        jobId: 'j-probe',
        requestId: 'req-500',
      });
      const { correlationId } = response.body as { correlationId: string };
      expect(await lineWhere((line) => line.context === 'Errors')).toMatchObject({
        level: 'error',
        requestId: 'req-500',
        correlationId,
        stack: expect.stringContaining('database exploded'),
      });
      const requestLogLine = await requestLine('req-500');
      expect(requestLogLine).toMatchObject({ level: 'error', res: { statusCode: 500 } });
      expect(requestLogLine).not.toHaveProperty('err');
    } finally {
      create.mockRestore();
    }
  });
});

describe('execution logs (real scheduler)', () => {
  const capture = new LogCapture();
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ LOG_LEVEL: 'warn', SCHEDULER_ENABLED: 'true' }, { logDestination: capture });
  });

  afterAll(() => testApp.close());

  it('logs a failed execution with its execution id, job id and attempt, and never the signing secret', async () => {
    const http = request(testApp.app.getHttpServer());
    const alice = await createUser(testApp);
    // Port 9 (discard) on loopback: nothing listens there, the call is refused at once.
    const target = { kind: 'http', method: 'POST', url: 'http://127.0.0.1:9/hook', timeoutMs: 2000 };
    const created = await http
      .post('/api/v1/jobs')
      .set(alice.auth)
      .send(jobBody({ target, retry: { maxAttempts: 1, backoff: 'fixed', initialDelayMs: 0 } }))
      .expect(201);
    const run = await http.post(`/api/v1/jobs/${created.body.id}/trigger`).set(alice.auth).expect(202);
    let line: LogLine | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      line = capture.lines.find((entry) => entry.executionId === run.body.id);
      if (!line) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(line).toMatchObject({
      level: 'warn',
      context: 'WorkerPool',
      executionId: run.body.id,
      jobId: created.body.id,
      attempt: 1,
      status: 'failed',
    });
    expect(capture.text).not.toContain(created.body.signingSecret);
  });
});
