/** A field-level complaint, as RFC 9457 extension member `errors`. */
export interface FieldError {
  field: string;
  message: string;
  position?: number;
}

/** RFC 9457 problem details, as ZER08 answers every error. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

/**
 * Domain errors carry a stable machine code and the HTTP status they map to; the one
 * exception filter turns them into problem+json. Services throw these, never HttpException.
 */
export class DomainError extends Error {
  /** Response headers that belong to this answer (e.g. Retry-After); the problem filter sends them. */
  readonly headers?: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], message = 'The request is invalid.') {
    super(400, 'validation_failed', message, errors);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(404, 'not_found', `${what} was not found.`);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication is required.', code = 'unauthorized') {
    super(401, code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this.') {
    super(403, 'forbidden', message);
  }
}
