import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiParam,
  ApiQuery,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/** Response schemas: DTOs in libs/contracts are request classes; answers are documented here. */
const nullableString = { type: 'string', nullable: true } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { ...dateTime, nullable: true } as const;

export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json)',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, message: { type: 'string' }, position: { type: 'integer' } },
      },
    },
  },
};

export const JOB_EXAMPLE = {
  id: '0b8f5f0e-6c1e-4c43-9d2a-5d6b7f3c2a10',
  ownerId: '6a1c3b2e-1d4f-4b8a-9c7e-2f5d8a9b0c1d',
  name: 'nightly-report',
  description: null,
  schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
  timezone: 'Europe/Berlin',
  startAt: null,
  endAt: null,
  target: {
    kind: 'http',
    method: 'POST',
    url: 'https://example.com/hook',
    headers: {},
    body: { report: 'daily' },
    timeoutMs: 10000,
  },
  executionType: 'AT_LEAST_ONCE',
  retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1000, maxDelayMs: 3600000 },
  concurrency: 'allow',
  misfire: 'fire_once',
  catchUpLimit: 100,
  historyRetentionDays: null,
  status: 'active',
  nextRunAt: '2027-01-02T01:30:00.000Z',
  lastRunAt: null,
  lastStatus: null,
  callCount: 0,
  metadata: {},
  version: 1,
  createdAt: '2027-01-01T12:00:00.000Z',
  updatedAt: '2027-01-01T12:00:00.000Z',
};

export const JOB_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    ownerId: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    description: nullableString,
    schedule: {
      type: 'object',
      description:
        'cron | interval | once | calendar (see CronScheduleDto, IntervalScheduleDto, OnceScheduleDto, CalendarScheduleDto)',
    },
    timezone: { type: 'string' },
    startAt: nullableDateTime,
    endAt: nullableDateTime,
    target: { type: 'object', description: 'http | handler (see HttpTargetDto, HandlerTargetDto)' },
    executionType: { type: 'string', enum: ['AT_LEAST_ONCE', 'AT_MOST_ONCE'] },
    retry: {
      type: 'object',
      properties: {
        maxAttempts: { type: 'integer' },
        backoff: { type: 'string', enum: ['fixed', 'exponential'] },
        initialDelayMs: { type: 'integer' },
        maxDelayMs: { type: 'integer' },
      },
    },
    concurrency: { type: 'string', enum: ['allow', 'forbid', 'replace'] },
    misfire: { type: 'string', enum: ['fire_once', 'skip', 'catch_up'] },
    catchUpLimit: { type: 'integer' },
    historyRetentionDays: { type: 'integer', nullable: true },
    status: { type: 'string', enum: ['active', 'paused', 'completed', 'deleted'] },
    nextRunAt: nullableDateTime,
    lastRunAt: nullableDateTime,
    lastStatus: nullableString,
    callCount: { type: 'integer' },
    metadata: { type: 'object' },
    version: { type: 'integer' },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
  example: JOB_EXAMPLE,
};

export const EXECUTION_EXAMPLE = {
  id: '3f2b1a0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
  jobId: JOB_EXAMPLE.id,
  scheduledFor: '2027-01-02T01:30:00.000Z',
  attempt: 1,
  trigger: 'schedule',
  status: 'succeeded',
  startedAt: '2027-01-02T01:30:00.004Z',
  finishedAt: '2027-01-02T01:30:00.120Z',
  durationMs: 116,
  httpStatus: 200,
  error: null,
  result: null,
  responseExcerpt: '{"ok":true}',
  latenessMs: 4,
};

export const EXECUTION_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    jobId: { type: 'string', format: 'uuid' },
    scheduledFor: dateTime,
    attempt: { type: 'integer' },
    trigger: { type: 'string', enum: ['schedule', 'manual', 'retry'] },
    status: {
      type: 'string',
      enum: ['pending', 'running', 'succeeded', 'failed', 'timed_out', 'skipped', 'abandoned', 'cancelled'],
    },
    startedAt: nullableDateTime,
    finishedAt: nullableDateTime,
    durationMs: { type: 'integer', nullable: true },
    httpStatus: { type: 'integer', nullable: true },
    error: nullableString,
    result: { nullable: true },
    responseExcerpt: nullableString,
    latenessMs: { type: 'integer', nullable: true, description: 'Call start minus when it was due, in ms' },
  },
  example: EXECUTION_EXAMPLE,
};

export function pageSchema(items: object, example: object) {
  return {
    type: 'object',
    description:
      'Offset pagination: page is 1-based, pageSize 1..100 (default 20); a page past the end answers empty items with the real total.',
    properties: {
      items: { type: 'array', items },
      total: { type: 'integer' },
      page: { type: 'integer' },
      pageSize: { type: 'integer' },
    },
    example: { items: [example], total: 1, page: 1, pageSize: 20 },
  };
}

const problem = { description: 'problem+json', schema: PROBLEM_SCHEMA };

/** 400 (bad input, naming the field), 401, and 404 for a job that does not exist or is someone else's. */
export const ApiJobErrors = () =>
  applyDecorators(
    ApiBadRequestResponse({ ...problem, description: 'Invalid input; `errors[].field` names each bad field' }),
    ApiUnauthorizedResponse(problem),
    ApiNotFoundResponse({ ...problem, description: 'No such job, or it belongs to someone else (never revealed)' }),
  );

export const ApiJobId = () => ApiParam({ name: 'id', format: 'uuid', description: 'Job id' });

export const ApiPageQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } }),
    ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }),
  );
