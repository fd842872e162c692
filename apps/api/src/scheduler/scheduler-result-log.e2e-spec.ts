import { Client } from 'pg';
import request from 'supertest';
import { accessTokenFor } from '../../test/test-app';
import { Replica } from '../../test/replicas';
import { ExecutionsRepository, FinishedExecution, RESULT_FOLD_BATCH } from './executions.repository';
import { FiringRepository } from './firing.repository';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { ClaimedExecution } from './scheduler.types';
import { ExecutionRow, executionsOf, insertJobs, ReplicaBed, startReplicaBed } from './scheduler.test-fixtures';

/**
 * Results are appended to the result log and folded into their executions later
 * (docs/scheduler.md, "The result log"). Between the two, the API already shows the result,
 * and nothing that asks "is it still running?" treats the finished call as running. The
 * replica here has its scheduler off, so nothing folds but the test.
 */
describe('scheduler: the result log', () => {
  let bed: ReplicaBed;
  let db: Client;
  let replica: Replica;
  let executions: ExecutionsRepository;
  let owner: { Authorization: string };

  const api = () => request(replica.app.getHttpServer());
  const logged = async (executionId: string) =>
    (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM execution_result_log WHERE execution_id = $1', [
        executionId,
      ])
    ).rows[0].n;

  /** A job with one execution `running` under a claim of `replicaId` whose lease has already expired. */
  async function runningExecution(options: { replicaId?: string; concurrency?: 'allow' | 'forbid' } = {}) {
    const [jobId] = await insertJobs(db, [
      {
        ownerId: bed.ownerId,
        schedule: { kind: 'cron', expression: '0 0 0 1 1 *' },
        target: { kind: 'http', method: 'POST', url: `${bed.sink.url}/never`, timeoutMs: 1_000 },
        nextRunAt: '2099-01-01T00:00:00Z',
        maxAttempts: 3,
        concurrency: options.concurrency ?? 'allow',
      },
    ]);
    const { rows } = await db.query<ExecutionRow>(
      `INSERT INTO executions (job_id, scheduled_for, attempt, status, started_at, lease_expires_at, replica_id)
       VALUES ($1, date_trunc('second', now()) - interval '2 seconds', 1, 'running',
               date_trunc('milliseconds', now()) - interval '1 second', now() - interval '1 millisecond', $2)
       RETURNING *`,
      [jobId, options.replicaId ?? 'w1'],
    );
    return { jobId, execution: rows[0] };
  }

  function finished(
    row: ExecutionRow,
    outcome: Partial<FinishedExecution['outcome']> = {},
    retryDelayMs: number | null = null,
  ): FinishedExecution {
    return {
      execution: {
        id: row.id,
        jobId: row.job_id,
        scheduledFor: row.scheduled_for,
        attempt: row.attempt,
        startedAt: row.started_at as Date,
      } as ClaimedExecution,
      outcome: {
        status: 'succeeded',
        finishedAt: new Date(),
        durationMs: 12,
        httpStatus: 200,
        responseExcerpt: 'ok',
        ...outcome,
      },
      retryDelayMs,
    };
  }

  beforeAll(async () => {
    bed = await startReplicaBed();
    db = bed.db;
    replica = await bed.start('api', { SCHEDULER_ENABLED: 'false' });
    executions = replica.app.get(ExecutionsRepository);
    const { rows } = await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [bed.ownerId]);
    owner = {
      Authorization: `Bearer ${accessTokenFor(replica.env, { id: bed.ownerId, email: rows[0].email, role: 'user' })}`,
    };
  });

  afterAll(() => bed?.close());

  it('shows a logged result through the API at once, and treats the call as finished until it is folded', async () => {
    const { jobId, execution } = await runningExecution({ concurrency: 'forbid' });
    const result = finished(execution);
    expect(await executions.writeResults('w1', [result])).toBe(1);
    // Appended again after a failure that had in fact committed: the logged result is skipped.
    expect(await executions.writeResults('w1', [result], true)).toBe(0);

    const seen = await api().get(`/api/v1/executions/${execution.id}`).set(owner).expect(200);
    expect(seen.body).toMatchObject({ status: 'succeeded', httpStatus: 200, durationMs: 12, error: null });
    expect(seen.body.finishedAt).toBe(result.outcome.finishedAt.toISOString());
    const history = await api().get(`/api/v1/jobs/${jobId}/history`).set(owner).expect(200);
    expect(history.body.items.map((item: { status: string }) => item.status)).toEqual(['succeeded']);
    // The job's counters follow when the result is folded.
    const job = await api().get(`/api/v1/jobs/${jobId}`).set(owner).expect(200);
    expect(job.body).toMatchObject({ callCount: 0, lastStatus: null });

    // Its lease has expired, but the call finished: the reaper neither re-queues nor abandons it.
    expect(await executions.reapLostWork(replica.app.get<SchedulerConfig>(SCHEDULER_CONFIG), null)).toEqual({
      abandoned: 0,
      requeued: 0,
    });
    // concurrency=forbid: a finished call does not keep the job busy.
    expect(await replica.app.get(FiringRepository).busyJobs(db, [jobId])).toEqual(new Set());
    // Too late to cancel: 409 with the logged status.
    const cancel = await api().post(`/api/v1/executions/${execution.id}/cancel`).set(owner).expect(409);
    expect(JSON.stringify(cancel.body)).toContain('succeeded');

    // Still `running` in the table itself until the fold writes it back.
    expect((await executionsOf(db, jobId))[0].status).toBe('running');
    expect(await executions.foldResults(RESULT_FOLD_BATCH)).toBeGreaterThanOrEqual(1);
    const [folded] = await executionsOf(db, jobId);
    expect(folded).toMatchObject({ status: 'succeeded', http_status: 200, response_excerpt: 'ok' });
    expect(folded.finished_at?.toISOString()).toBe(result.outcome.finishedAt.toISOString());
    expect(await logged(execution.id)).toBe(0);
    const after = await api().get(`/api/v1/jobs/${jobId}`).set(owner).expect(200);
    expect(after.body).toMatchObject({
      callCount: 1,
      lastStatus: 'succeeded',
      lastRunAt: result.outcome.finishedAt.toISOString(),
    });
  });

  it('never applies a result of a claim that was lost: neither shown nor folded', async () => {
    // The execution now runs under w2's claim; w1's late result belongs to its old claim.
    const { jobId, execution } = await runningExecution({ replicaId: 'w2' });
    const late = finished({ ...execution, started_at: new Date((execution.started_at as Date).getTime() - 5_000) });
    expect(await executions.writeResults('w1', [late])).toBe(1);

    const seen = await api().get(`/api/v1/executions/${execution.id}`).set(owner).expect(200);
    expect(seen.body.status).toBe('running');
    expect(await replica.app.get(FiringRepository).busyJobs(db, [jobId])).toEqual(new Set([jobId]));

    await executions.foldResults(RESULT_FOLD_BATCH);
    expect(await logged(execution.id)).toBe(0);
    const [row] = await executionsOf(db, jobId);
    expect(row).toMatchObject({ status: 'running', replica_id: 'w2', finished_at: null });
    const job = await api().get(`/api/v1/jobs/${jobId}`).set(owner).expect(200);
    expect(job.body).toMatchObject({ callCount: 0, lastStatus: null });
  });

  it('queues the next attempt of a retried failure when it is folded, due its backoff after the call ended', async () => {
    const { jobId, execution } = await runningExecution();
    const failure = finished(
      execution,
      { status: 'failed', httpStatus: 500, error: 'callback answered HTTP 500' },
      60_000,
    );
    await executions.writeResults('w1', [failure]);
    expect((await executionsOf(db, jobId)).map((row) => row.attempt)).toEqual([1]);

    await executions.foldResults(RESULT_FOLD_BATCH);
    const [first, retry] = await executionsOf(db, jobId);
    expect(first).toMatchObject({ status: 'failed', http_status: 500 });
    expect(retry).toMatchObject({ attempt: 2, trigger: 'retry', status: 'pending' });
    expect(retry.available_at.getTime() - failure.outcome.finishedAt.getTime()).toBe(60_000);
  });

  it('leaves young results to their writer when asked for left-behind ones only', async () => {
    const young = await runningExecution();
    const old = await runningExecution();
    await executions.writeResults('w1', [
      finished(young.execution),
      finished(old.execution, { finishedAt: new Date(Date.now() - 10_000) }),
    ]);

    await executions.foldResults(RESULT_FOLD_BATCH, 5_000);
    expect(await logged(old.execution.id)).toBe(0);
    expect((await executionsOf(db, old.jobId))[0].status).toBe('succeeded');
    expect(await logged(young.execution.id)).toBe(1);
    expect((await executionsOf(db, young.jobId))[0].status).toBe('running');

    await executions.foldResults(RESULT_FOLD_BATCH);
    expect((await executionsOf(db, young.jobId))[0].status).toBe('succeeded');
  });
});
