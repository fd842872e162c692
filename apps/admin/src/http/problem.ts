/** A field-level complaint from an RFC 9457 problem+json answer. */
export interface FieldError {
  field: string;
  message: string;
  position?: number;
}

export interface ProblemDetails {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
}

/** Every failed API call surfaces as this: the status, the problem body and a readable message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails,
  ) {
    super(problem.detail ?? problem.title ?? `Request failed with status ${status}`);
    this.name = 'ApiError';
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

export function toProblem(status: number, body: unknown): ProblemDetails {
  if (typeof body === 'object' && body !== null && 'status' in body) return body as ProblemDetails;
  if (status === 0)
    return { status, title: 'Network error', detail: 'The server did not answer. Check your connection.' };
  return { status, title: `HTTP ${status}` };
}

/** A human message for any thrown value, for toasts and alerts. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const first = error.fieldErrors[0];
    return first ? `${error.message} ${first.field}: ${first.message}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
