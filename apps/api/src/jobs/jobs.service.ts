import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  BulkCreateJobsDto,
  BulkCreateJobsResponse,
  CreatedJobResponse,
  CreateJobDto,
  ExecutionResponse,
  JobAuditEntry,
  JobFireTimes,
  JobResponse,
  ListJobsQueryDto,
  Page,
  PageQueryDto,
  resolvePage,
  RotatedSecretResponse,
  UpdateJobDto,
} from '@zer08/contracts';
import type { AuthUser } from '../auth/auth-user';
import { FieldError, ValidationFailedError } from '../common/problem';
import { Environment } from '../config/environment';
import { JobRow, toAuditEntry, toExecutionResponse, toJobResponse } from './job-row';
import { anchorInterval, jobSchedule, nextRunAfter, ScheduleCheck, timezoneOf, toFireTime } from './job-schedule';
import { checkJobSemantics, retryOf, SemanticCheckOptions } from './job-validation';
import { JobNotFoundError, JobStateError, JobVersionConflictError } from './jobs.errors';
import { JobChanges, JobScope, JobsRepository, NewJobRow } from './jobs.repository';
import { CallbackUrlPolicy } from './network-policy';
import { SecretBox } from '../secrets/secret-box';

const SECRET_BYTES = 32;

/** Admins see every job; users only their own. Someone else's job is "not found", never "forbidden". */
export function scopeOf(user: AuthUser): JobScope {
  return { ownerId: user.role === 'admin' ? null : user.id };
}

type AuditAction = 'updated' | 'paused' | 'resumed' | 'deleted' | 'restored' | 'secret_rotated';

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly config: ConfigService<Environment, true>,
    /** Signing secrets are stored sealed (enc:v1:...); the plaintext is answered to the owner only. */
    private readonly secrets: SecretBox,
  ) {}

  private get policy(): CallbackUrlPolicy {
    return { allowPrivateNetworks: this.config.get('CALLBACK_ALLOW_PRIVATE_NETWORKS', { infer: true }) === true };
  }

  async create(user: AuthUser, dto: CreateJobDto): Promise<CreatedJobResponse> {
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    const row = this.toNewRow(user, dto, new Date(), this.secrets.seal(secret), '', {});
    if ('errors' in row) throw new ValidationFailedError(row.errors);
    const created = await this.jobs.insertOne(row, user.id);
    return { ...toJobResponse(created), signingSecret: secret };
  }

  /** 1..1,000 jobs, validated item by item (errors name `jobs[i]...`), inserted all or none in one statement. */
  async createMany(user: AuthUser, dto: BulkCreateJobsDto): Promise<BulkCreateJobsResponse> {
    const now = new Date();
    const caches = { scheduleCache: new Map<string, ScheduleCheck>(), urlCache: new Map<string, string | undefined>() };
    const secrets = randomBytes(SECRET_BYTES * dto.jobs.length);
    const rows: NewJobRow[] = [];
    const plaintexts: string[] = [];
    const errors: FieldError[] = [];
    dto.jobs.forEach((job, index) => {
      const secret = secrets.subarray(index * SECRET_BYTES, (index + 1) * SECRET_BYTES).toString('base64url');
      const row = this.toNewRow(user, job, now, secret, `jobs[${index}].`, caches);
      if ('errors' in row) errors.push(...row.errors);
      else {
        plaintexts.push(secret);
        rows.push({ ...row, signing_secret: this.secrets.seal(secret) });
      }
    });
    if (errors.length > 0)
      throw new ValidationFailedError(
        errors.slice(0, 1000),
        `${errors.length} problem(s) in the bulk; nothing was created.`,
      );
    await this.jobs.insertMany(rows, user.id);
    return {
      count: rows.length,
      items: rows.map((row, index) => ({
        id: row.id,
        name: row.name,
        nextRunAt: row.next_run_at,
        signingSecret: plaintexts[index],
      })),
    };
  }

  private toNewRow(
    user: AuthUser,
    dto: CreateJobDto,
    now: Date,
    secret: string,
    prefix: string,
    caches: Pick<SemanticCheckOptions, 'scheduleCache' | 'urlCache'>,
  ): NewJobRow | { errors: FieldError[] } {
    const retry = retryOf(dto.retry);
    const startAt = dto.startAt ?? null;
    const endAt = dto.endAt ?? null;
    const metadata = dto.metadata ?? {};
    const { errors, nextRunAt } = checkJobSemantics(
      { schedule: dto.schedule, target: dto.target, retry, startAt, endAt, metadata },
      { now, policy: this.policy, prefix, ...caches },
    );
    if (errors.length > 0) return { errors };
    return {
      id: randomUUID(),
      owner_id: user.id,
      name: dto.name,
      description: dto.description ?? null,
      schedule: anchorInterval(dto.schedule, startAt),
      timezone: timezoneOf(dto.schedule),
      start_at: startAt,
      end_at: endAt,
      target: dto.target,
      execution_type: dto.executionType ?? 'AT_LEAST_ONCE',
      max_attempts: retry.maxAttempts,
      backoff: retry.backoff,
      initial_delay_ms: retry.initialDelayMs,
      max_delay_ms: retry.maxDelayMs,
      concurrency: dto.concurrency ?? 'allow',
      misfire: dto.misfire ?? 'fire_once',
      catch_up_limit: dto.catchUpLimit ?? 100,
      history_retention_days: dto.historyRetentionDays ?? null,
      next_run_at: nextRunAt === null ? null : nextRunAt.toISOString(),
      metadata,
      signing_secret: secret,
    };
  }

  async list(user: AuthUser, query: ListJobsQueryDto): Promise<Page<JobResponse>> {
    const { page, pageSize, limit, offset } = resolvePage(query);
    const ownerId = user.role === 'admin' ? (query.ownerId ?? null) : user.id;
    const { rows, total } = await this.jobs.list({
      ownerId,
      status: query.status,
      scheduleKind: query.scheduleKind,
      targetKind: query.targetKind,
      q: query.q,
      sort: query.sort ?? 'createdAt',
      order: query.order ?? (query.sort === undefined ? 'desc' : 'asc'),
      limit,
      offset,
    });
    return { items: rows.map(toJobResponse), total, page, pageSize };
  }

  /** The job if `user` may see it; someone else's job is not found. Other modules use this for access checks. */
  async findVisible(user: AuthUser, id: string): Promise<JobRow> {
    const row = await this.jobs.findOne(id, scopeOf(user));
    if (!row) throw new JobNotFoundError();
    return row;
  }

  async assertVisible(user: AuthUser, id: string): Promise<void> {
    if (!(await this.jobs.exists(id, scopeOf(user)))) throw new JobNotFoundError();
  }

  async get(user: AuthUser, id: string): Promise<JobResponse> {
    return toJobResponse(await this.findVisible(user, id));
  }

  async update(user: AuthUser, id: string, dto: UpdateJobDto): Promise<JobResponse> {
    const row = await this.findVisible(user, id);
    if (row.version !== dto.version) throw new JobVersionConflictError(dto.version, row.version);
    if (row.status === 'deleted')
      throw new JobStateError('job_deleted', 'The job is deleted; restore it before changing it.');

    const current = toJobResponse(row);
    const startAt = dto.startAt !== undefined ? dto.startAt : current.startAt;
    const newSchedule = dto.schedule && anchorInterval(dto.schedule, startAt);
    const schedule = newSchedule ?? current.schedule;
    const target = dto.target ?? current.target;
    const retry = retryOf(dto.retry, current.retry);
    const endAt = dto.endAt !== undefined ? dto.endAt : current.endAt;
    const metadata = dto.metadata ?? current.metadata;
    const timingChanged = dto.schedule !== undefined || dto.startAt !== undefined || dto.endAt !== undefined;
    const { errors, nextRunAt } = checkJobSemantics(
      { schedule, target, retry, startAt, endAt, metadata },
      { now: new Date(), policy: this.policy, skipSchedule: !timingChanged },
    );
    if (errors.length > 0) throw new ValidationFailedError(errors);

    const changes: JobChanges = {};
    const diff: Record<string, { from: unknown; to: unknown }> = {};
    const set = (column: keyof JobChanges, field: string, from: unknown, to: unknown) => {
      if (to === undefined || JSON.stringify(from) === JSON.stringify(to)) return;
      changes[column] = to;
      diff[field] = { from, to };
    };
    set('name', 'name', current.name, dto.name);
    set('description', 'description', current.description, dto.description);
    set('schedule', 'schedule', current.schedule, newSchedule);
    if (dto.schedule) set('timezone', 'timezone', current.timezone, timezoneOf(schedule));
    set('target', 'target', current.target, dto.target);
    set('execution_type', 'executionType', current.executionType, dto.executionType);
    set('max_attempts', 'retry.maxAttempts', current.retry.maxAttempts, retry.maxAttempts);
    set('backoff', 'retry.backoff', current.retry.backoff, retry.backoff);
    set('initial_delay_ms', 'retry.initialDelayMs', current.retry.initialDelayMs, retry.initialDelayMs);
    set('max_delay_ms', 'retry.maxDelayMs', current.retry.maxDelayMs, retry.maxDelayMs);
    set('concurrency', 'concurrency', current.concurrency, dto.concurrency);
    set('misfire', 'misfire', current.misfire, dto.misfire);
    set('catch_up_limit', 'catchUpLimit', current.catchUpLimit, dto.catchUpLimit);
    set('history_retention_days', 'historyRetentionDays', current.historyRetentionDays, dto.historyRetentionDays);
    set('start_at', 'startAt', current.startAt, sameInstant(current.startAt, dto.startAt) ? undefined : dto.startAt);
    set('end_at', 'endAt', current.endAt, sameInstant(current.endAt, dto.endAt) ? undefined : dto.endAt);
    set('metadata', 'metadata', current.metadata, dto.metadata);
    if (timingChanged && row.status !== 'paused') {
      // A completed job given a schedule with a future fire becomes active again.
      changes.next_run_at = nextRunAt?.toISOString() ?? null;
      if (row.status === 'completed') {
        changes.status = 'active';
        diff.status = { from: 'completed', to: 'active' };
      }
    }
    return this.apply(user, row, changes, 'updated', diff);
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const row = await this.findVisible(user, id);
    if (row.status === 'deleted') return;
    await this.apply(
      user,
      row,
      { status: 'deleted', status_before_delete: row.status, deleted_at: new Date().toISOString(), next_run_at: null },
      'deleted',
      { status: { from: row.status, to: 'deleted' } },
    );
    await this.jobs.withdrawFiredAhead(row.id);
  }

  async restore(user: AuthUser, id: string): Promise<JobResponse> {
    const row = await this.findVisible(user, id);
    if (row.status !== 'deleted') throw new JobStateError('job_not_deleted', `The job is ${row.status}, not deleted.`);
    const wanted = row.status_before_delete ?? 'paused';
    const changes: JobChanges = { status: wanted, status_before_delete: null, deleted_at: null };
    if (wanted === 'active') Object.assign(changes, this.activation(row));
    return this.apply(user, row, changes, 'restored', { status: { from: 'deleted', to: changes.status } });
  }

  async pause(user: AuthUser, id: string): Promise<JobResponse> {
    const row = await this.findVisible(user, id);
    if (row.status === 'paused') return toJobResponse(row);
    if (row.status !== 'active') throw this.stateError(row);
    const paused = await this.apply(user, row, { status: 'paused', next_run_at: null }, 'paused', {
      status: { from: 'active', to: 'paused' },
    });
    // An occurrence the leader already fired ahead of its instant must not run either.
    await this.jobs.withdrawFiredAhead(row.id);
    return paused;
  }

  /** Resuming recomputes the next fire from now: occurrences missed while paused are not caught up. */
  async resume(user: AuthUser, id: string): Promise<JobResponse> {
    const row = await this.findVisible(user, id);
    if (row.status === 'active') return toJobResponse(row);
    if (row.status !== 'paused') throw this.stateError(row);
    const changes = this.activation(row);
    return this.apply(user, row, changes, 'resumed', { status: { from: 'paused', to: changes.status } });
  }

  async trigger(user: AuthUser, id: string): Promise<ExecutionResponse> {
    const row = await this.findVisible(user, id);
    if (row.status === 'deleted') throw this.stateError(row);
    return toExecutionResponse(await this.jobs.insertManualExecution(row.id, user.id));
  }

  async rotateSecret(user: AuthUser, id: string): Promise<RotatedSecretResponse> {
    const row = await this.findVisible(user, id);
    if (row.status === 'deleted') throw this.stateError(row);
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    const updated = await this.apply(user, row, { signing_secret: this.secrets.seal(secret) }, 'secret_rotated', null);
    return { id: updated.id, signingSecret: secret, version: updated.version };
  }

  async fireTimes(user: AuthUser, id: string, count: number): Promise<JobFireTimes> {
    const row = await this.findVisible(user, id);
    const window = { startAt: row.start_at?.toISOString() ?? null, endAt: row.end_at?.toISOString() ?? null };
    const occurrences = jobSchedule(row.schedule, window).preview(count, new Date());
    return {
      jobId: row.id,
      timezone: row.timezone,
      next: occurrences.map(toFireTime),
    };
  }

  async audit(user: AuthUser, id: string, query: PageQueryDto): Promise<Page<JobAuditEntry>> {
    await this.assertVisible(user, id);
    const { page, pageSize, limit, offset } = resolvePage(query);
    const { rows, total } = await this.jobs.listAudit(id, limit, offset);
    return { items: rows.map(toAuditEntry), total, page, pageSize };
  }

  private activation(row: JobRow): JobChanges {
    const window = { startAt: row.start_at?.toISOString() ?? null, endAt: row.end_at?.toISOString() ?? null };
    const next = nextRunAfter(row.schedule, window, new Date());
    return next === null
      ? { status: 'completed', next_run_at: null }
      : { status: 'active', next_run_at: next.toISOString() };
  }

  private stateError(row: JobRow): JobStateError {
    return row.status === 'deleted'
      ? new JobStateError('job_deleted', 'The job is deleted; restore it first.')
      : new JobStateError('invalid_job_state', `The job is ${row.status}.`);
  }

  private async apply(
    user: AuthUser,
    row: JobRow,
    changes: JobChanges,
    action: AuditAction,
    diff: unknown,
  ): Promise<JobResponse> {
    const updated = await this.jobs.update(row.id, row.version, changes, { actorId: user.id, action, changes: diff });
    if (!updated) throw new JobVersionConflictError(row.version);
    return toJobResponse(updated);
  }
}

function sameInstant(current: string | null, next: string | null | undefined): boolean {
  if (next === undefined) return true;
  if (current === null || next === null) return current === next;
  return Date.parse(current) === Date.parse(next);
}
