import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LevelWithSilent } from 'pino';
import { pinoHttp } from 'pino-http';
import { runInRequestContext } from './request-context';
import { RootLogger } from './root-logger';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const MAX_REQUEST_ID_LENGTH = 128;

/** Probes and scrapes arrive every few seconds; at info they would drown everything else. */
const PROBE_PATH = /^\/(health|metrics)(\/|\?|$)/;
const SECRET_QUERY_VALUE = /([?&][^=&#]*(?:token|secret|password|signature|key)[^=&#]*=)[^&#]*/gi;

type ExpressRequest = IncomingMessage & { originalUrl?: string };

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
 */
export function httpRequestLogging(root: RootLogger) {
  const logRequest = pinoHttp<ExpressRequest, ServerResponse>({
    logger: root,
    genReqId: (req, res) => {
      const requestId = requestIdFrom(req.headers['x-request-id']);
      res.setHeader(REQUEST_ID_HEADER, requestId);
      return requestId;
    },
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: loggableUrl(req.url) }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: requestLogLevel,
    customSuccessMessage: (req, res) => `${req.method} ${loggableUrl(pathOf(req))} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${loggableUrl(pathOf(req))} ${res.statusCode}`,
    // For a plain 5xx pino-http makes up an error whose stack is its own; the app's error line has the real one.
    customErrorObject: (_req, _res, error, fields: Record<string, unknown>) =>
      error.message.startsWith('failed with status code') ? { ...fields, err: undefined } : fields,
  });
  return (req: ExpressRequest, res: ServerResponse, next: () => void): void =>
    logRequest(req, res, () => runInRequestContext(String(req.id), next));
}
