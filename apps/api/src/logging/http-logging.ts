import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LevelWithSilent } from 'pino';
import { runInRequestContext } from './request-context';
import { RootLogger } from './root-logger';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const MAX_REQUEST_ID_LENGTH = 128;

/** Probes and scrapes arrive every few seconds; at info they would drown everything else. */
const PROBE_PATH = /^\/(health|metrics)(\/|\?|$)/;
const SECRET_QUERY_VALUE = /([?&][^=&#]*(?:token|secret|password|signature|key)[^=&#]*=)[^&#]*/gi;

type ExpressRequest = IncomingMessage & { originalUrl?: string; id?: string };

/**
 * The caller's X-Request-Id when it has any usable characters (others are dropped, so a
 * header cannot forge log structure), else a new UUID.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  const cleaned = (value ?? '').replace(/[^A-Za-z0-9._-]/g, '').slice(0, MAX_REQUEST_ID_LENGTH);
  return cleaned || randomUUID();
}

export function loggableUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY_VALUE, '$1[Redacted]');
}

function pathOf(req: ExpressRequest): string {
  return req.originalUrl ?? req.url ?? '';
}

export function requestLogLevel(req: ExpressRequest, res: ServerResponse, error?: Error): LevelWithSilent {
  const probe = PROBE_PATH.test(pathOf(req));
  if (error || res.statusCode >= 500) return probe ? 'warn' : 'error';
  if (probe) return 'debug';
  return res.statusCode >= 400 ? 'warn' : 'info';
}

/**
 * One line per finished request (method, url, status, responseTime, requestId; never
 * headers or bodies), the request id echoed in the response's X-Request-Id, and that id
 * visible through currentRequestId() to everything the request runs.
 *
 * Written on the root pino logger rather than with pino-http: pino-http builds a child
 * logger and serializers for every request even when its line is below LOG_LEVEL, which
 * cost a third of `GET /jobs/:id` throughput (tools/bench/api, A/B in BENCHMARKS.md).
 */
export function httpRequestLogging(root: RootLogger) {
  return (req: ExpressRequest, res: ServerResponse, next: () => void): void => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    req.id = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const startedAt = performance.now();
    const logLine = (aborted: boolean) => {
      const level = aborted ? 'warn' : requestLogLevel(req, res);
      if (!root.isLevelEnabled(level)) return;
      const url = loggableUrl(pathOf(req));
      root[level as 'info'](
        {
          requestId,
          req: { method: req.method, url },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - startedAt),
        },
        aborted ? `${req.method} ${url} aborted by the client` : `${req.method} ${url} ${res.statusCode}`,
      );
    };
    res.once('finish', () => logLine(false));
    res.once('close', () => {
      if (!res.writableFinished) logLine(true);
    });
    runInRequestContext(requestId, next);
  };
}
