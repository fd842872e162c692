import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigService } from '@nestjs/config';
import { createTestApp, TestApp } from '../../test/test-app';
import { CallbackResolver, classifyAddress } from '../jobs/network-policy';
import { DbClock } from '../scheduler/db-clock';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../scheduler/scheduler.config';
import { ClaimedExecution } from '../scheduler/scheduler.types';
import { OpenedSigningSecrets } from '../secrets/opened-signing-secrets';
import { HttpExecutor } from './http-executor';
import { CallControl } from './call-control';

interface LocalSink {
  port: number;
  calls: string[];
  respond: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** A real HTTP server on `host` that records every request it receives. */
async function startLocalSink(host: string): Promise<LocalSink> {
  const sink: LocalSink = {
    port: 0,
    calls: [],
    respond: (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    sink.calls.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => sink.respond(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  sink.port = (server.address() as AddressInfo).port;
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return sink;
}

function execution(url: string, signingSecret = 'legacy-plaintext-secret'): ClaimedExecution {
  return {
    id: randomUUID(),
    jobId: randomUUID(),
    scheduledFor: new Date(),
    attempt: 1,
    startedAt: new Date(),
    leaseHeldUntilMs: Date.now() + 8_000,
    target: { kind: 'http', method: 'POST', url, body: { hello: 'world' }, timeoutMs: 3_000 },
    executionType: 'AT_LEAST_ONCE',
    retry: { maxAttempts: 1, backoff: 'fixed', initialDelayMs: 100, maxDelayMs: 100 },
    signingSecret,
  };
}

const freshControl = () => new CallControl();

/** The HTTP executor against real local servers and real DNS (localhost via /etc/hosts). */
describe('HttpExecutor call-time network policy', () => {
  let strictApp: TestApp;
  let openApp: TestApp;
  let sink: LocalSink;
  let otherSink: LocalSink;
  let sinkV6: LocalSink | null = null;
  let noIpv6Reason = '';

  beforeAll(async () => {
    strictApp = await createTestApp({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
    openApp = await createTestApp(); // test default: CALLBACK_ALLOW_PRIVATE_NETWORKS=true
    sink = await startLocalSink('127.0.0.1');
    otherSink = await startLocalSink('127.0.0.1');
    try {
      sinkV6 = await startLocalSink('::1');
    } catch (error) {
      noIpv6Reason = `no IPv6 loopback on this machine (${(error as Error).message})`;
    }
  });

  afterAll(async () => {
    await Promise.all([sink?.close(), otherSink?.close(), sinkV6?.close()]);
    await strictApp?.close();
    await openApp?.close();
  });

  beforeEach(() => {
    for (const s of [sink, otherSink, sinkV6]) if (s) s.calls.length = 0;
  });

  const urlsOf = (): Array<[string, () => string, () => LocalSink | null]> => [
    ['a name that real DNS resolves to 127.0.0.1 (localhost)', () => `http://localhost:${sink.port}/hook`, () => sink],
    ['an IPv4 literal', () => `http://127.0.0.1:${sink.port}/hook`, () => sink],
    ['an IPv6 literal', () => `http://[::1]:${sinkV6?.port ?? 1}/hook`, () => sinkV6],
  ];

  it.each(urlsOf())(
    'refuses %s when private networks are disallowed; the sink receives nothing',
    async (name, url, target) => {
      if (name.includes('IPv6') && !sinkV6) {
        console.warn(`skipping the [::1] case: ${noIpv6Reason}`);
        return;
      }
      const outcome = await strictApp.app.get(HttpExecutor).run(execution(url()), freshControl());
      const address = name.includes('IPv6') ? '::1' : '127.0.0.1';
      expect(outcome.status).toBe('failed');
      expect(outcome.httpStatus).toBeUndefined();
      expect(outcome.error).toMatch(
        new RegExp(
          `^callback address ${address.replace(/\./g, '\\.')} is refused by the private-network policy: loopback address`,
        ),
      );
      if (name.includes('localhost')) expect(outcome.error).toContain('(localhost resolved to it)');
      expect(target()?.calls).toEqual([]);
    },
  );

  it.each(urlsOf())('calls %s when private networks are allowed', async (name, url, target) => {
    if (name.includes('IPv6') && !sinkV6) {
      console.warn(`skipping the [::1] case: ${noIpv6Reason}`);
      return;
    }
    const outcome = await openApp.app.get(HttpExecutor).run(execution(url()), freshControl());
    expect(outcome).toMatchObject({ status: 'succeeded', httpStatus: 200, responseExcerpt: 'ok' });
    expect(target()?.calls).toEqual(['POST /hook']);
  });

  it('never follows a redirect: a 302 to another local server is recorded as a failure with its status', async () => {
    sink.respond = (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${otherSink.port}/stolen` }).end();
    try {
      const outcome = await openApp.app
        .get(HttpExecutor)
        .run(execution(`http://127.0.0.1:${sink.port}/hook`), freshControl());
      expect(outcome).toMatchObject({
        status: 'failed',
        httpStatus: 302,
        error: `callback answered HTTP 302 (redirect to http://127.0.0.1:${otherSink.port}/stolen); redirects are not followed`,
      });
      expect(sink.calls).toEqual(['POST /hook']);
      expect(otherSink.calls).toEqual([]);
    } finally {
      sink.respond = (_req, res) => res.writeHead(200).end('ok');
    }
  });

  it('checks the answer DNS gives at call time, once per call: a name that rebinds to 127.0.0.1 after looking public is refused', async () => {
    const asked: string[] = [];
    const answers = ['93.184.216.34', '127.0.0.1'];
    const rebinding: CallbackResolver = async (hostname) => {
      asked.push(hostname);
      const address = answers[Math.min(asked.length, answers.length) - 1];
      return [{ address, family: 4 }];
    };
    const executor = new HttpExecutor(
      strictApp.app.get<SchedulerConfig>(SCHEDULER_CONFIG),
      strictApp.app.get(DbClock),
      new ConfigService({ CALLBACK_ALLOW_PRIVATE_NETWORKS: false }),
      strictApp.app.get(OpenedSigningSecrets),
      rebinding,
    );
    try {
      // The name looked public when it was checked before (at validation, on a previous call)…
      const [before] = await rebinding('rebind.test', {});
      expect(classifyAddress(before.address)).toBe('public');
      // …and points at the sink by the time the call is made.
      const outcome = await executor.run(execution(`http://rebind.test:${sink.port}/hook`), freshControl());
      expect(outcome).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(
          /^callback address 127\.0\.0\.1 is refused by the private-network policy: loopback address \(rebind\.test resolved to it\)/,
        ),
      });
      // One resolution for the call: the answer the connector checked is the answer it would connect to.
      expect(asked).toEqual(['rebind.test', 'rebind.test']);
      expect(sink.calls).toEqual([]);
    } finally {
      await executor.onApplicationShutdown();
    }
  });
});
