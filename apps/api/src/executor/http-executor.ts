import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import { DbClock } from '../scheduler/db-clock';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../scheduler/scheduler.config';
import { ClaimedExecution, ExecutionOutcome, HttpTarget, timeoutOf } from '../scheduler/scheduler.types';
import { signDelivery } from './signature';
import { CallAborted, outcomeOfAbort } from './abort-reasons';

/** After this much response body the connection is cut rather than drained. */
const MAX_DRAIN_BYTES = 1024 * 1024;

/**
 * HTTP callbacks through one keep-alive undici Agent (global fetch costs ~4x here),
 * with a per-call timeout, a bounded response read and the ZER08 delivery headers.
 */
@Injectable()
export class HttpExecutor implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly clock: DbClock,
  ) {
    this.agent = new Agent({
      connections: Math.max(16, config.workerConcurrency),
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: { timeout: 5_000 },
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
    const timestamp = Math.floor(this.clock.now() / 1000);
    const headers: Record<string, string> = {
      ...(contentType ? { 'content-type': contentType } : {}),
      ...lowerCaseKeys(target.headers ?? {}),
      'user-agent': 'ZER08-Scheduler/1',
      'idempotency-key': `${execution.jobId}:${execution.scheduledFor.toISOString()}`,
      'x-zer08-execution-id': execution.id,
      'x-zer08-attempt': String(execution.attempt),
      'x-zer08-timestamp': String(timestamp),
      'x-zer08-signature': signDelivery(execution.signingSecret, timestamp, body),
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
    const finish = (outcome: Omit<ExecutionOutcome, 'finishedAt' | 'durationMs'>): ExecutionOutcome => ({
      ...outcome,
      finishedAt: new Date(this.clock.now()),
      durationMs: Math.round(performance.now() - startedAt),
    });
    try {
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
        ...(ok ? {} : { error: `callback answered HTTP ${response.statusCode}` }),
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
