import type { CreateJobDto, RetryPolicyDto, ScheduleDto, TargetDto } from '@zer08/contracts';
import type { FieldError } from '../common/problem';
import { checkJobSchedule, ScheduleCheck } from './job-schedule';
import { checkCallbackUrl, CallbackUrlPolicy } from './network-policy';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'x-zer08-signature', 'x-zer08-timestamp', 'idempotency-key']);
const MAX_JSON_BYTES = 64 * 1024;

export interface JobSemantics {
  schedule: ScheduleDto;
  target: TargetDto;
  retry: Required<RetryPolicyDto>;
  startAt: string | null;
  endAt: string | null;
  metadata: Record<string, unknown>;
}

export interface SemanticCheckOptions {
  now: Date;
  policy: CallbackUrlPolicy;
  /** Prefix of every field name, e.g. `jobs[3].` in a bulk. */
  prefix?: string;
  scheduleCache?: Map<string, ScheduleCheck>;
  /** Per request: callback URL -> problem (or undefined), so a bulk of identical URLs parses each once. */
  urlCache?: Map<string, string | undefined>;
  /** PATCH without schedule/window changes: keep next_run_at, do not re-validate the schedule. */
  skipSchedule?: boolean;
}

/** What class-validator cannot see: schedule semantics, callback policy, header syntax, sizes. */
export function checkJobSemantics(job: JobSemantics, options: SemanticCheckOptions): { errors: FieldError[]; nextRunAt: Date | null } {
  const prefix = options.prefix ?? '';
  const errors: FieldError[] = [];
  let nextRunAt: Date | null = null;

  if (!options.skipSchedule) {
    const check = checkJobSchedule(job.schedule, { startAt: job.startAt, endAt: job.endAt }, options.now, options.scheduleCache, prefix);
    if (check.ok) nextRunAt = check.nextRunAt;
    else errors.push(...check.errors);
  }

  const target = job.target;
  if (target.kind === 'http') {
    let problem = options.urlCache?.get(target.url);
    if (problem === undefined && !options.urlCache?.has(target.url)) {
      problem = checkCallbackUrl(target.url, options.policy);
      options.urlCache?.set(target.url, problem);
    }
    if (problem) errors.push({ field: `${prefix}target.url`, message: problem });
    for (const [name, value] of Object.entries(target.headers ?? {})) {
      if (!HEADER_NAME.test(name)) errors.push({ field: `${prefix}target.headers`, message: `'${name.slice(0, 64)}' is not a valid header name` });
      else if (FORBIDDEN_HEADERS.has(name.toLowerCase())) errors.push({ field: `${prefix}target.headers.${name}`, message: `header ${name} is set by ZER08` });
      else if (typeof value !== 'string' || /[\r\n\0]/.test(value) || value.length > 8192) {
        errors.push({ field: `${prefix}target.headers.${name}`, message: 'header values must be strings without line breaks (at most 8192 characters)' });
      }
    }
    if (target.body !== undefined && jsonBytes(target.body) > MAX_JSON_BYTES) {
      errors.push({ field: `${prefix}target.body`, message: `body must be at most ${MAX_JSON_BYTES} bytes of JSON` });
    }
  } else if (target.payload !== undefined && jsonBytes(target.payload) > MAX_JSON_BYTES) {
    errors.push({ field: `${prefix}target.payload`, message: `payload must be at most ${MAX_JSON_BYTES} bytes of JSON` });
  }

  if (job.retry.maxDelayMs < job.retry.initialDelayMs) {
    errors.push({ field: `${prefix}retry.maxDelayMs`, message: 'maxDelayMs must not be smaller than initialDelayMs' });
  }
  if (jsonBytes(job.metadata) > MAX_JSON_BYTES) {
    errors.push({ field: `${prefix}metadata`, message: `metadata must be at most ${MAX_JSON_BYTES} bytes of JSON` });
  }
  return { errors, nextRunAt };
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

export const DEFAULT_RETRY: Required<RetryPolicyDto> = { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1000, maxDelayMs: 3_600_000 };

export function retryOf(dto: CreateJobDto['retry'], base: Required<RetryPolicyDto> = DEFAULT_RETRY): Required<RetryPolicyDto> {
  return {
    maxAttempts: dto?.maxAttempts ?? base.maxAttempts,
    backoff: dto?.backoff ?? base.backoff,
    initialDelayMs: dto?.initialDelayMs ?? base.initialDelayMs,
    maxDelayMs: dto?.maxDelayMs ?? base.maxDelayMs,
  };
}
