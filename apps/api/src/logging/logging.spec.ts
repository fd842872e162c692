import { Logger } from '@nestjs/common';
import { LogCapture } from '../../test/log-capture';
import { executionLogFields } from './execution-log';
import { loggableUrl, requestIdFrom, requestLogLevel } from './http-logging';
import { PinoNestLogger } from './pino-nest-logger';
import { runInRequestContext } from './request-context';
import { createRootLogger, scrubSecretsInText } from './root-logger';
import type { IncomingMessage, ServerResponse } from 'node:http';

function setUp(level: 'info' | 'debug' | 'error' | 'trace' = 'trace') {
  const capture = new LogCapture();
  const root = createRootLogger({ level, replicaId: 'replica-1', destination: capture });
  const adapter = new PinoNestLogger(root);
  return { capture, adapter };
}

describe('PinoNestLogger', () => {
  afterEach(() => Logger.overrideLogger(new Logger()));

  it('writes one JSON line per call with level, context, service, replica and ISO time', () => {
    const { capture, adapter } = setUp();
    adapter.log('hello', 'Greeter');
    const [line] = capture.lines;
    expect(line).toMatchObject({
      level: 'info',
      msg: 'hello',
      context: 'Greeter',
      service: 'zer08',
      replicaId: 'replica-1',
    });
    expect(typeof line.time).toBe('string');
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it("maps Nest's levels onto pino's", () => {
    const { capture, adapter } = setUp();
    adapter.log('a');
    adapter.warn('b');
    adapter.error('c');
    adapter.debug('d');
    adapter.verbose('e');
    adapter.fatal('f');
    expect(capture.lines.map((line) => [line.msg, line.level])).toEqual([
      ['a', 'info'],
      ['b', 'warn'],
      ['c', 'error'],
      ['d', 'debug'],
      ['e', 'trace'],
      ['f', 'fatal'],
    ]);
  });

  it('drops lines below LOG_LEVEL', () => {
    const { capture, adapter } = setUp('error');
    adapter.log('quiet');
    adapter.warn('quiet');
    adapter.error('loud');
    expect(capture.lines.map((line) => line.msg)).toEqual(['loud']);
  });

  it('merges the fields of an object passed first; its msg is the text', () => {
    const { capture, adapter } = setUp();
    adapter.warn({ msg: 'call failed', executionId: 'e-1', jobId: 'j-1', attempt: 2 }, 'WorkerPool');
    expect(capture.lines[0]).toMatchObject({
      level: 'warn',
      msg: 'call failed',
      executionId: 'e-1',
      jobId: 'j-1',
      attempt: 2,
      context: 'WorkerPool',
    });
  });

  it('takes a stack after an error message, as Nest passes it, with or without a context', () => {
    const { capture, adapter } = setUp();
    const stack = 'Error: boom\n    at somewhere (file.ts:1:1)';
    adapter.error('it broke', stack, 'Errors');
    adapter.error('no stack', undefined, 'Errors');
    adapter.error('static call', stack);
    const [withStack, withoutStack, staticCall] = capture.lines;
    expect(withStack).toMatchObject({ msg: 'it broke', stack, context: 'Errors' });
    expect(withoutStack).toMatchObject({ msg: 'no stack', context: 'Errors' });
    expect(withoutStack).not.toHaveProperty('stack');
    expect(staticCall).toMatchObject({ msg: 'static call', stack });
    expect(staticCall).not.toHaveProperty('context');
  });

  it('serializes an Error passed as the message', () => {
    const { capture, adapter } = setUp();
    adapter.error(new TypeError('bad type'), 'Ctx');
    expect(capture.lines[0]).toMatchObject({
      msg: 'bad type',
      context: 'Ctx',
      err: { type: 'TypeError', message: 'bad type' },
    });
  });

  it('adds the current request id to lines logged inside a request', () => {
    const { capture, adapter } = setUp();
    runInRequestContext('req-7', () => adapter.log('inside', 'Ctx'));
    adapter.log('outside', 'Ctx');
    expect(capture.lines[0]).toMatchObject({ msg: 'inside', requestId: 'req-7' });
    expect(capture.lines[1]).not.toHaveProperty('requestId');
  });

  it("serves every `new Logger('Ctx')` once installed with Logger.overrideLogger", () => {
    const { capture, adapter } = setUp();
    Logger.overrideLogger(adapter);
    new Logger('Scheduler').warn({ msg: 'lease lost', executionId: 'e-2' });
    new Logger('Scheduler').error('write failed');
    expect(capture.lines[0]).toMatchObject({
      level: 'warn',
      msg: 'lease lost',
      executionId: 'e-2',
      context: 'Scheduler',
    });
    expect(capture.lines[1]).toMatchObject({ level: 'error', msg: 'write failed', context: 'Scheduler' });
  });

  it('never writes secrets, whether under a known key or inside text', () => {
    const { capture, adapter } = setUp();
    adapter.log({
      msg: 'connecting to postgres://zer08:hunter2-db@db:5432/zer08',
      password: 'hunter2-pw',
      body: { refreshToken: 'hunter2-refresh', nested: { signingSecret: 'hunter2-signing' } },
      headers: { authorization: 'Bearer hunter2-bearer', cookie: 'sid=hunter2-cookie' },
      target: { kind: 'http', headers: { Authorization: 'Basic aHVudGVyMg==' } },
      env: { JWT_SECRET: 'hunter2-jwt', DATABASE_URL: 'postgres://u:hunter2-url@h/db' },
      error: 'request to https://user:hunter2-userinfo@example.test failed',
    });
    adapter.error(
      'failed with Authorization: Bearer hunter2-text-token',
      'Error: x\n    at postgres://a:hunter2-stack@h/db',
    );
    adapter.error(new Error('connect postgres://zer08:hunter2-err@db/zer08 refused'));
    expect(capture.text).not.toMatch(/hunter2|aHVudGVyMg/);
    expect(capture.lines[0]).toMatchObject({ password: '[Redacted]', headers: { authorization: '[Redacted]' } });
  });
});

describe('scrubSecretsInText', () => {
  it('hides URL passwords and bearer/basic credentials, keeps the rest', () => {
    expect(scrubSecretsInText('postgres://zer08:pw@db:5432/zer08')).toBe('postgres://zer08:[Redacted]@db:5432/zer08');
    expect(scrubSecretsInText('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [Redacted]');
    expect(scrubSecretsInText('GET https://example.test/a?b=1 answered 503')).toBe(
      'GET https://example.test/a?b=1 answered 503',
    );
  });
});

describe('request ids', () => {
  it('keeps a caller id made of [A-Za-z0-9._-], at most 128 characters', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('a b\n{"x":1}')).toBe('abx1');
    expect(requestIdFrom('x'.repeat(300))).toBe('x'.repeat(128));
    expect(requestIdFrom(['first', 'second'])).toBe('first');
  });

  it('generates a UUID when the caller sent none or nothing usable', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(requestIdFrom(undefined)).toMatch(uuid);
    expect(requestIdFrom('   ')).toMatch(uuid);
  });
});

describe('request log lines', () => {
  const req = (url: string) => ({ url, originalUrl: url }) as IncomingMessage & { originalUrl: string };
  const res = (statusCode: number) => ({ statusCode }) as ServerResponse;

  it('logs probes at debug, client errors at warn, server errors at error', () => {
    expect(requestLogLevel(req('/api/v1/jobs'), res(200))).toBe('info');
    expect(requestLogLevel(req('/health/ready'), res(200))).toBe('debug');
    expect(requestLogLevel(req('/metrics'), res(200))).toBe('debug');
    expect(requestLogLevel(req('/healthy-jobs'), res(200))).toBe('info');
    expect(requestLogLevel(req('/api/v1/jobs'), res(404))).toBe('warn');
    expect(requestLogLevel(req('/api/v1/jobs'), res(500))).toBe('error');
    expect(requestLogLevel(req('/health'), res(503))).toBe('warn');
  });

  it('hides the values of query parameters that look like credentials', () => {
    expect(loggableUrl('/api/v1/jobs?limit=10&access_token=abc&apiKey=k')).toBe(
      '/api/v1/jobs?limit=10&access_token=[Redacted]&apiKey=[Redacted]',
    );
  });
});

describe('executionLogFields', () => {
  it('names the execution, its job and attempt, and nothing else', () => {
    const execution = { id: 'e-1', jobId: 'j-1', attempt: 3, signingSecret: 'never', target: { kind: 'http' } };
    expect(executionLogFields(execution)).toEqual({ executionId: 'e-1', jobId: 'j-1', attempt: 3 });
  });
});
