import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Agent, Dispatcher } from 'undici';
import type { Environment } from '../config/environment';
import { CallbackResolver, guardedLookup, PrivateNetworkRefusedError, refuseLiteralHost } from '../jobs/network-policy';
import { BoundedCache } from '../common/bounded-cache';
import { CallControl } from './call-control';
import { DbClock } from '../scheduler/db-clock';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../scheduler/scheduler.config';
import { ClaimedExecution, ExecutionOutcome, HttpTarget, timeoutOf } from '../scheduler/scheduler.types';
import { signDelivery } from './signature';
import { OpenedSigningSecrets } from '../secrets/opened-signing-secrets';
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
  /** Parsed per callback URL once: `new URL` per call showed in profiles. */
  private readonly destinations = new BoundedCache<Destination | string>(10_000);
  /** Requests built ahead of their instant, by execution (see prepare). */
  private readonly prepared = new WeakMap<ClaimedExecution, CallRequest | { refused: string }>();

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly clock: DbClock,
    env: ConfigService<Environment, true>,
    private readonly secrets: OpenedSigningSecrets,
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
      await new Promise<void>((resolve) => {
        const origin = `http://127.0.0.1:${port}`;
        const response = new BoundedResponse(this.config.responseExcerptBytes, origin, () => {
          clearTimeout(timer);
          resolve();
        });
        const timer = setTimeout(() => response.abort(new CallAborted('timeout', 'warm-up call took over 2 s')), 2_000);
        this.agent.dispatch(
          {
            origin,
            path: '/warm-up',
            method: 'POST',
            headers: ['x-zer08-signature', signDelivery('warm-up', 0, '{}')],
            body: '{}',
          },
          response,
        );
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  /**
   * Builds a call's request ahead of its instant (a fire lands up to a few seconds early in
   * a burst): parsed destination, opened secret, body, headers and the signature for the
   * second it is due, so that at the instant only the send is left.
   */
  prepare(execution: ClaimedExecution): void {
    if (execution.target.kind !== 'http' || this.prepared.has(execution)) return;
    const dueSecond = Math.floor(execution.scheduledFor.getTime() / 1000);
    const request = this.requestFor(execution, dueSecond);
    // A burst's calls run on into the next second: sign for it too, while there is time to spare.
    if (!('refused' in request)) request.nextSignature = signDelivery(request.secret, dueSecond + 1, request.body);
    this.prepared.set(execution, request);
  }

  run(execution: ClaimedExecution, control: CallControl): Promise<ExecutionOutcome> {
    return new Promise((resolve) => this.start(execution, control, resolve));
  }

  /**
   * `run` without a promise: the worker pool's hot path, where each promise showed in
   * profiles. `settle` is never called before `start` returns (a refused URL, or undici
   * refusing the request on the spot), so a caller starting many calls in a loop is not
   * re-entered by their outcomes.
   */
  start(execution: ClaimedExecution, control: CallControl, settle: (outcome: ExecutionOutcome) => void): void {
    const startedAt = performance.now();
    let returned = false;
    const finish = (outcome: Omit<ExecutionOutcome, 'finishedAt' | 'durationMs'>): void => {
      // Completed in place (no spread copy): the outcome object is this call's own.
      const ended = outcome as ExecutionOutcome;
      ended.finishedAt = new Date(this.clock.now());
      ended.durationMs = Math.round(performance.now() - startedAt);
      if (returned) settle(ended);
      else queueMicrotask(() => settle(ended));
    };
    try {
      this.send(execution, control, finish);
    } finally {
      returned = true;
    }
  }

  private send(
    execution: ClaimedExecution,
    control: CallControl,
    finish: (outcome: Omit<ExecutionOutcome, 'finishedAt' | 'durationMs'>) => void,
  ): void {
    const second = Math.floor(this.clock.now() / 1000);
    const request = this.prepared.get(execution) ?? this.requestFor(execution, second);
    this.prepared.delete(execution);
    if ('refused' in request) return finish({ status: 'failed', error: request.refused });
    // The timestamp is always the second the call is sent: one signed ahead for another second is redone.
    const signature =
      request.signedSecond === second
        ? request.signature
        : request.signedSecond + 1 === second && request.nextSignature !== undefined
          ? request.nextSignature
          : signDelivery(request.secret, second, request.body);
    const headers = request.headers.concat('x-zer08-timestamp', String(second), 'x-zer08-signature', signature);
    const { destination, method, body, timeoutMs } = request;
    const timer = setTimeout(
      () => control.abort(new CallAborted('timeout', `no complete response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const response = new BoundedResponse(this.config.responseExcerptBytes, destination.origin, (outcome) => {
      clearTimeout(timer);
      control.onAbort(undefined);
      finish(outcome);
    });
    control.onAbort((reason) => response.abort(reason));
    if (control.aborted) return;
    // No redirect interceptor on this.agent: a 3xx is answered as it is (never followed).
    this.agent.dispatch(
      {
        origin: destination.origin,
        path: destination.path,
        method: method as Dispatcher.HttpMethod,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      },
      response,
    );
  }

  private requestFor(execution: ClaimedExecution, second: number): CallRequest | { refused: string } {
    const target = execution.target as HttpTarget;
    const destination = this.destinations.get(target.url, (url) => parseDestination(url, this.allowPrivateNetworks));
    if (typeof destination === 'string') return { refused: destination };
    let secret: string;
    try {
      secret = this.secrets.open(execution.signingSecret);
    } catch (error) {
      return { refused: `cannot sign the callback: ${(error as Error).message}` };
    }
    const { body, contentType } = serializeBody(target.body);
    const headers = userHeaders(target.headers, contentType);
    headers.push(
      'user-agent',
      'ZER08-Scheduler/1',
      'idempotency-key',
      `${execution.jobId}:${execution.scheduledFor.toISOString()}`,
      'x-zer08-execution-id',
      execution.id,
      'x-zer08-attempt',
      String(execution.attempt),
    );
    return {
      destination,
      method: (target.method ?? 'POST').toUpperCase(),
      body,
      headers,
      timeoutMs: timeoutOf(target, this.config.defaultTimeoutMs),
      secret,
      signedSecond: second,
      signature: signDelivery(secret, second, body),
    };
  }
}

/** Everything a callback's request needs but its timestamp and, when sent in another second, its signature. */
interface CallRequest {
  destination: Destination;
  method: string;
  body: string;
  headers: string[];
  timeoutMs: number;
  secret: string;
  signedSecond: number;
  signature: string;
  /** For signedSecond + 1, when built ahead (prepare). */
  nextSignature?: string;
}

/**
 * Reads one callback's answer straight from undici's dispatcher: the status, the
 * `location` of a redirect, the first `excerptBytes` of the body, and the rest of the body
 * drained up to 1 MB so the connection can be reused (cut beyond). No stream or promise per
 * call: at scheduler rates those were a good share of the executor's CPU time.
 */
class BoundedResponse implements Dispatcher.DispatchHandler {
  private abortRequest: ((reason: Error) => void) | null = null;
  private pendingAbort: Error | null = null;
  private statusCode = 0;
  private location: string | undefined;
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private seenBytes = 0;
  private cutOff = false;
  private settled = false;

  constructor(
    private readonly excerptBytes: number,
    private readonly origin: string,
    private readonly settle: (outcome: Omit<ExecutionOutcome, 'finishedAt' | 'durationMs'>) => void,
  ) {}

  /** Ends the call now with the abort's outcome; the request itself is cut as soon as undici lets us. */
  abort(reason: CallAborted): void {
    this.done(outcomeOfAbort(reason));
    if (this.abortRequest) this.abortRequest(reason);
    else this.pendingAbort = reason;
  }

  onConnect(abort: (reason: Error) => void): void {
    if (this.pendingAbort) abort(this.pendingAbort);
    else this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.statusCode = statusCode;
    if (statusCode >= 300 && statusCode < 400) this.location = headerValue(rawHeaders, 'location');
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.seenBytes += chunk.length;
    if (this.keptBytes < this.excerptBytes) {
      const slice = chunk.subarray(0, this.excerptBytes - this.keptBytes);
      this.kept.push(slice);
      this.keptBytes += slice.length;
    }
    if (this.seenBytes > this.excerptBytes + MAX_DRAIN_BYTES && !this.cutOff) {
      this.cutOff = true;
      this.onComplete();
      this.abortRequest?.(new Error('response body too large; connection cut'));
    }
    return true;
  }

  onComplete(): void {
    const ok = this.statusCode >= 200 && this.statusCode < 300;
    this.done({
      status: ok ? 'succeeded' : 'failed',
      httpStatus: this.statusCode,
      responseExcerpt:
        this.kept.length === 1 ? this.kept[0].toString('utf8') : Buffer.concat(this.kept).toString('utf8'),
      ...(ok ? {} : { error: describeStatus(this.statusCode, this.location) }),
    });
  }

  onError(error: Error): void {
    this.done({ status: 'failed', error: describeNetworkError(error, this.origin) });
  }

  private done(outcome: Omit<ExecutionOutcome, 'finishedAt' | 'durationMs'>): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(outcome);
  }
}

interface Destination {
  origin: string;
  path: string;
}

/** Where a callback URL points, or why it may not be called (a private IP literal, an unparsable URL). */
function parseDestination(url: string, allowPrivateNetworks: boolean): Destination | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `invalid callback URL: ${url.slice(0, 200)}`;
  }
  if (!allowPrivateNetworks) {
    const refused = refuseLiteralHost(parsed.hostname);
    if (refused) return refused.message;
  }
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/** The job's own headers (names lower-cased) as undici's flat list; ZER08's delivery headers always win. */
function userHeaders(headers: Record<string, string> | undefined, contentType: string | undefined): string[] {
  const list: string[] = [];
  let ownContentType = false;
  if (headers) {
    for (const name of Object.keys(headers)) {
      const lowerName = name.toLowerCase();
      if (DELIVERY_HEADERS.has(lowerName)) continue;
      if (lowerName === 'content-type') ownContentType = true;
      list.push(lowerName, String(headers[name]));
    }
  }
  if (contentType && !ownContentType) list.push('content-type', contentType);
  return list;
}

const DELIVERY_HEADERS = new Set([
  'user-agent',
  'idempotency-key',
  'x-zer08-execution-id',
  'x-zer08-attempt',
  'x-zer08-timestamp',
  'x-zer08-signature',
]);

function headerValue(rawHeaders: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toString('latin1').toLowerCase() === name) return rawHeaders[i + 1].toString('latin1');
  }
  return undefined;
}

function describeStatus(status: number, target: string | undefined): string {
  if (status >= 300 && status < 400) {
    return `callback answered HTTP ${status}${target ? ` (redirect to ${target.slice(0, 200)})` : ''}; redirects are not followed`;
  }
  return `callback answered HTTP ${status}`;
}

function serializeBody(body: unknown): { body: string; contentType?: string } {
  if (body === undefined || body === null) return { body: '' };
  if (typeof body === 'string') return { body, contentType: 'text/plain; charset=utf-8' };
  return { body: JSON.stringify(body), contentType: 'application/json' };
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
