import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Agent, request } from 'undici';
import type { Environment } from '../config/environment';
import { CallbackResolver, guardedLookup, PrivateNetworkRefusedError, refuseLiteralHost } from '../jobs/network-policy';
import { DbClock } from '../scheduler/db-clock';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../scheduler/scheduler.config';
import { ClaimedExecution, ExecutionOutcome, HttpTarget, timeoutOf } from '../scheduler/scheduler.types';
import { signDelivery } from './signature';
import { SecretBox } from '../secrets/secret-box';
import { CallAborted, outcomeOfAbort } from './abort-reasons';

/** After this much response body the connection is cut rather than drained. */
const MAX_DRAIN_BYTES = 1024 * 1024;

/** Replaces DNS resolution for callback hosts (tests simulate rebinding with it); default dns.lookup. */
export const CALLBACK_RESOLVER = Symbol('CALLBACK_RESOLVER');

/**
 * HTTP callbacks through one keep-alive undici Agent (global fetch costs ~4x here),
 * with a per-call timeout, a bounded response read and the ZER08 delivery headers.
 *
 * Unless CALLBACK_ALLOW_PRIVATE_NETWORKS is true, every connection goes through a `lookup`
 * that refuses non-public addresses, and IP-literal hosts (which never reach `lookup`) are
 * checked before the call: the address connected to is the address checked.
 *
 * Redirects are never followed: the Agent has no redirect interceptor, so a 3xx answer is
 * the callback's answer and is recorded as a failure with its status.
 */
@Injectable()
export class HttpExecutor implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly allowPrivateNetworks: boolean;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly clock: DbClock,
    env: ConfigService<Environment, true>,
    private readonly secrets: SecretBox,
    @Optional() @Inject(CALLBACK_RESOLVER) resolver?: CallbackResolver,
  ) {
    this.allowPrivateNetworks = env.get('CALLBACK_ALLOW_PRIVATE_NETWORKS', { infer: true }) === true;
    this.agent = new Agent({
      connections: Math.max(16, config.workerConcurrency),
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: {
        timeout: 5_000,
        // net/tls.connect call this for host names; the answers it checks are the ones connected to.
        ...(this.allowPrivateNetworks ? {} : { lookup: guardedLookup(resolver) }),
      },
    });
  }

  /** After the scheduler drained (beforeApplicationShutdown): close() would wait for calls still in flight. */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }

  /**
   * One loopback call through the agent at start-up: undici compiles its HTTP parser and
   * the call path is JIT-compiled here rather than on the first scheduled callback, which
   * would otherwise be tens of milliseconds late after every deploy.
   */
  async warmUp(): Promise<void> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await request(`http://127.0.0.1:${port}/warm-up`, {
        method: 'POST',
        body: signDelivery('warm-up', 0, '{}'),
        dispatcher: this.agent,
        signal: AbortSignal.timeout(2_000),
      });
      await readBounded(response.body, this.config.responseExcerptBytes);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  async run(execution: ClaimedExecution, signal: AbortSignal): Promise<ExecutionOutcome> {
    const target = execution.target as HttpTarget;
    const startedAt = performance.now();
    const { body, contentType } = serializeBody(target.body);
    const finish = (outcome: Omit<ExecutionOutcome, 'finishedAt' | 'durationMs'>): ExecutionOutcome => ({
      ...outcome,
      finishedAt: new Date(this.clock.now()),
      durationMs: Math.round(performance.now() - startedAt),
    });
    const refused = this.allowPrivateNetworks ? undefined : refuseLiteralHostOf(target.url);
    if (refused) return finish({ status: 'failed', error: refused.message });
    let signingSecret: string;
    try {
      signingSecret = this.secrets.open(execution.signingSecret);
    } catch (error) {
      return finish({ status: 'failed', error: `cannot sign the callback: ${(error as Error).message}` });
    }
    const timestamp = Math.floor(this.clock.now() / 1000);
    const headers: Record<string, string> = {
      ...(contentType ? { 'content-type': contentType } : {}),
      ...lowerCaseKeys(target.headers ?? {}),
      'user-agent': 'ZER08-Scheduler/1',
      'idempotency-key': `${execution.jobId}:${execution.scheduledFor.toISOString()}`,
      'x-zer08-execution-id': execution.id,
      'x-zer08-attempt': String(execution.attempt),
      'x-zer08-timestamp': String(timestamp),
      'x-zer08-signature': signDelivery(signingSecret, timestamp, body),
    };
    const method = (target.method ?? 'POST').toUpperCase();
    const timeoutMs = timeoutOf(target, this.config.defaultTimeoutMs);
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new CallAborted('timeout', `no complete response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // No redirect interceptor on this.agent: undici.request answers a 3xx as it is (never followed).
      const response = await request(target.url, {
        method: method as 'POST',
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
        dispatcher: this.agent,
        signal: controller.signal,
      });
      const excerpt = await readBounded(response.body, this.config.responseExcerptBytes);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return finish({
        status: ok ? 'succeeded' : 'failed',
        httpStatus: response.statusCode,
        responseExcerpt: excerpt,
        ...(ok ? {} : { error: describeStatus(response.statusCode, response.headers.location) }),
      });
    } catch (error) {
      if (controller.signal.aborted) return finish(outcomeOfAbort(controller.signal.reason));
      return finish({ status: 'failed', error: describeNetworkError(error, target.url) });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function describeStatus(status: number, location: string | string[] | undefined): string {
  if (status >= 300 && status < 400) {
    const target = Array.isArray(location) ? location[0] : location;
    return `callback answered HTTP ${status}${target ? ` (redirect to ${target.slice(0, 200)})` : ''}; redirects are not followed`;
  }
  return `callback answered HTTP ${status}`;
}

/** undefined for a host name or a public IP literal; URL parse errors are left to request() to report. */
function refuseLiteralHostOf(url: string): PrivateNetworkRefusedError | undefined {
  try {
    return refuseLiteralHost(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

function serializeBody(body: unknown): { body: string; contentType?: string } {
  if (body === undefined || body === null) return { body: '' };
  if (typeof body === 'string') return { body, contentType: 'text/plain; charset=utf-8' };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = String(value);
  return result;
}

/** Keeps the first `limit` bytes; drains (without keeping) up to 1 MB more so the connection can be reused. */
async function readBounded(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (keptBytes < limit) {
      const slice = chunk.subarray(0, limit - keptBytes);
      kept.push(slice);
      keptBytes += slice.length;
    }
    if (seen > limit + MAX_DRAIN_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(kept).toString('utf8');
}

function describeNetworkError(error: unknown, url: string): string {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  if (error instanceof PrivateNetworkRefusedError) return error.message;
  const message = err.message ?? String(error);
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* keep the raw url */
  }
  if (code === 'ECONNREFUSED') return `connection refused by ${host}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup failed for ${host}`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `connection to ${host} reset: ${message}`;
  return code ? `${code}: ${message}` : message;
}
