import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../../test/test-app';
import { ClaimedExecution, HttpTarget } from '../scheduler/scheduler.types';
import { SecretBox } from '../secrets/secret-box';
import { CallAborted } from './abort-reasons';
import { CallControl } from './call-control';
import { HttpExecutor } from './http-executor';
import { verifyDelivery } from './signature';

interface ReceivedCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Resolves when the server side of the exchange ends: `finished`, or `closed` early by the caller. */
  ended: Promise<'finished' | 'closed'>;
}

/** The executor's own behaviour against a real HTTP server: what it sends, reads, cuts and aborts. */
describe('HttpExecutor calls', () => {
  let testApp: TestApp;
  let executor: HttpExecutor;
  let secrets: SecretBox;
  let server: Server;
  let base: string;
  let calls: ReceivedCall[];
  let respond: (req: IncomingMessage, res: ServerResponse) => void;

  beforeAll(async () => {
    testApp = await createTestApp();
    executor = testApp.app.get(HttpExecutor);
    secrets = testApp.app.get(SecretBox);
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      const ended = new Promise<'finished' | 'closed'>((resolve) => {
        res.once('finish', () => resolve('finished'));
        res.once('close', () => resolve(res.writableFinished ? 'finished' : 'closed'));
      });
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        calls.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ended,
        });
        respond(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await testApp?.close();
  });

  beforeEach(() => {
    calls = [];
    respond = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });

  const sealedSecret = 'job-signing-secret-0123456789abcdef';
  const execution = (target: Partial<HttpTarget>): ClaimedExecution => ({
    id: randomUUID(),
    jobId: randomUUID(),
    scheduledFor: new Date('2026-11-25T10:00:00.000Z'),
    attempt: 2,
    startedAt: new Date(),
    leaseHeldUntilMs: Date.now() + 8_000,
    target: { kind: 'http', url: `${base}/hook`, timeoutMs: 3_000, ...target },
    executionType: 'AT_LEAST_ONCE',
    retry: { maxAttempts: 3, backoff: 'fixed', initialDelayMs: 100, maxDelayMs: 100 },
    signingSecret: secrets.seal(sealedSecret),
  });

  it('sends method, path with query, body and the delivery headers; job headers cannot replace ZER08 ones', async () => {
    const call = execution({
      url: `${base}/hook/path?a=1&b=two`,
      method: 'put',
      body: { hello: 'world' },
      headers: { 'X-Custom': 'kept', 'Content-Type': 'application/vnd.test+json', 'X-Zer08-Signature': 'forged' },
    });
    const outcome = await executor.run(call, new CallControl());
    expect(outcome).toMatchObject({ status: 'succeeded', httpStatus: 200, responseExcerpt: 'ok' });
    expect(calls).toHaveLength(1);
    const [received] = calls;
    expect(received).toMatchObject({ method: 'PUT', url: '/hook/path?a=1&b=two', body: '{"hello":"world"}' });
    expect(received.headers).toMatchObject({
      'x-custom': 'kept',
      'content-type': 'application/vnd.test+json',
      'user-agent': 'ZER08-Scheduler/1',
      'idempotency-key': `${call.jobId}:2026-11-25T10:00:00.000Z`,
      'x-zer08-execution-id': call.id,
      'x-zer08-attempt': '2',
    });
    const verified = verifyDelivery(
      sealedSecret,
      {
        timestamp: received.headers['x-zer08-timestamp'] as string,
        signature: received.headers['x-zer08-signature'] as string,
      },
      received.body,
    );
    expect(verified).toBe(true);
  });

  it('a request prepared ahead is sent as built, stamped and signed for the second it is sent in', async () => {
    const nowSecond = () => Math.floor(Date.now() / 1000);
    const dueThisSecond = { ...execution({ body: { n: 1 } }), scheduledFor: new Date(nowSecond() * 1000) };
    const dueLongAgo = { ...execution({ body: { n: 2 } }), scheduledFor: new Date((nowSecond() - 60) * 1000) };
    executor.prepare(dueThisSecond);
    executor.prepare(dueLongAgo);
    const sentIn = [nowSecond()];
    await executor.run(dueThisSecond, new CallControl());
    await executor.run(dueLongAgo, new CallControl());
    sentIn.push(nowSecond());
    expect(calls.map((call) => call.body)).toEqual(['{"n":1}', '{"n":2}']);
    for (const [index, received] of calls.entries()) {
      const timestamp = Number(received.headers['x-zer08-timestamp']);
      // Never the due second of the one prepared a minute ahead: the second it went out.
      expect(timestamp).toBeGreaterThanOrEqual(sentIn[0]);
      expect(timestamp).toBeLessThanOrEqual(sentIn[1]);
      expect(received.headers['x-zer08-execution-id']).toBe([dueThisSecond, dueLongAgo][index].id);
      const signature = { timestamp: String(timestamp), signature: received.headers['x-zer08-signature'] as string };
      expect(verifyDelivery(sealedSecret, signature, received.body)).toBe(true);
    }
  });

  it('keeps the first 4 KB and cuts the connection once over 1 MB more has been drained', async () => {
    respond = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'y'.repeat(64 * 1024);
      let sent = 0;
      const writeMore = () => {
        while (sent < 8 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', writeMore);
        }
        if (!res.destroyed) res.end();
      };
      writeMore();
    };
    const outcome = await executor.run(execution({}), new CallControl());
    expect(outcome.status).toBe('succeeded');
    expect(outcome.responseExcerpt).toBe('y'.repeat(4_096));
    expect(await calls[0].ended).toBe('closed');
  });

  it('records the status and excerpt of an error answer as a failure', async () => {
    respond = (_req, res) => res.writeHead(503).end('down for maintenance');
    const outcome = await executor.run(execution({}), new CallControl());
    expect(outcome).toMatchObject({
      status: 'failed',
      httpStatus: 503,
      responseExcerpt: 'down for maintenance',
      error: 'callback answered HTTP 503',
    });
  });

  it('ends a call that outlives timeoutMs as timed_out and closes its connection', async () => {
    respond = () => undefined; // never answers
    const started = Date.now();
    const outcome = await executor.run(execution({ timeoutMs: 200 }), new CallControl());
    expect(outcome).toMatchObject({ status: 'timed_out', error: 'no complete response within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await calls[0].ended).toBe('closed');
  });

  it('aborts an in-flight call when its control is aborted (cancel), and one aborted before it starts never reaches the server', async () => {
    respond = () => undefined;
    const control = new CallControl();
    const running = executor.run(execution({}), control);
    await waitUntil(() => calls.length === 1);
    control.abort(new CallAborted('cancelled', 'cancelled by its owner'));
    expect(await running).toMatchObject({ status: 'failed', error: 'aborted: cancelled by its owner' });
    expect(await calls[0].ended).toBe('closed');

    const early = new CallControl();
    early.abort(new CallAborted('released', 'replica shutting down'));
    expect(await executor.run(execution({ url: `${base}/never` }), early)).toMatchObject({ status: 'failed' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls.map((call) => call.url)).not.toContain('/never');
  });

  it('fails clearly for an unparsable URL and for a secret it cannot open, without calling anything', async () => {
    expect(await executor.run(execution({ url: 'not a url' }), new CallControl())).toMatchObject({
      status: 'failed',
      error: 'invalid callback URL: not a url',
    });
    const tampered = { ...execution({}), signingSecret: 'enc:v1:deadbeef:aaaa:bbbb:cccc' };
    expect(await executor.run(tampered, new CallControl())).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^cannot sign the callback: stored signing secret is encrypted with key deadbeef/),
    });
    expect(calls).toEqual([]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
