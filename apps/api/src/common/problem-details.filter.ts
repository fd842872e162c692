import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, FieldError, ProblemDetails, statusTitle } from './problem';

const PROBLEM_TYPE_BASE = 'https://zer08.dev/problems/';

/** The one place errors become HTTP: RFC 9457 problem+json, internals never leak. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception, request);
    if (response.headersSent) return;
    if (exception instanceof DomainError && exception.headers) response.set(exception.headers);
    response.status(problem.status).type('application/problem+json').json(problem);
  }

  private toProblem(exception: unknown, request: Request): ProblemDetails {
    const instance = request.originalUrl ?? request.url;
    if (exception instanceof DomainError) {
      return this.problem(exception.status, exception.code, exception.message, instance, exception.errors);
    }
    // Nest wraps body-parser's errors (too large, malformed JSON) in an HttpException.
    const bodyParserError = asBodyParserError(exception instanceof HttpException ? exception.cause : exception);
    if (bodyParserError) return bodyParserError(instance);
    if (exception instanceof HttpException) {
      return this.fromHttpException(exception, instance);
    }

    const correlationId = randomUUID();
    this.logger.error(
      {
        msg: `Unhandled error ${correlationId} on ${request.method} ${request.path}`,
        correlationId,
        requestId: (request as { id?: string }).id,
      },
      exception instanceof Error ? exception.stack : String(exception),
    );
    return {
      ...this.problem(500, 'internal_error', 'Something went wrong on our side.', instance),
      correlationId,
    };
  }

  private fromHttpException(exception: HttpException, instance: string): ProblemDetails {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const errors = typeof body === 'object' && body !== null ? (body as { errors?: FieldError[] }).errors : undefined;
    const detail =
      typeof body === 'string'
        ? body
        : typeof (body as { message?: unknown }).message === 'string'
          ? (body as { message: string }).message
          : exception.message;
    const code = status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : snakeCase(statusTitle(status));
    return { ...extensionMembers(body), ...this.problem(status, code, detail, instance, errors) };
  }

  private problem(
    status: number,
    code: string,
    detail: string,
    instance: string,
    errors?: FieldError[],
  ): ProblemDetails {
    return {
      type: `${PROBLEM_TYPE_BASE}${code}`,
      title: statusTitle(status),
      status,
      detail,
      instance,
      code,
      ...(errors && errors.length > 0 ? { errors } : {}),
    };
  }
}

/** body-parser signals its own failures with `type` and `status` on plain errors. */
function asBodyParserError(exception: unknown): ((instance: string) => ProblemDetails) | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { type, status } = exception as { type?: string; status?: number };
  const make = (httpStatus: number, code: string, detail: string) => (instance: string) => ({
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: statusTitle(httpStatus),
    status: httpStatus,
    detail,
    instance,
    code,
    errors: [{ field: 'body', message: detail }],
  });
  if (type === 'entity.too.large') return make(413, 'body_too_large', 'The request body is larger than allowed.');
  if (type === 'entity.parse.failed') return make(400, 'malformed_json', 'The request body is not valid JSON.');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return make(415, 'unsupported_encoding', 'The request body encoding is not supported.');
  }
  if (typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string') {
    return make(status, 'bad_body', 'The request body could not be read.');
  }
  return undefined;
}

/** Keeps what an HttpException body adds (e.g. terminus' per-indicator `details`). */
function extensionMembers(body: string | object): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  const {
    statusCode: _statusCode,
    message: _message,
    error: _error,
    errors: _errors,
    ...rest
  } = body as Record<string, unknown>;
  return rest;
}

function snakeCase(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}
