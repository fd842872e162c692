import { Client } from 'pg';
import request from 'supertest';
import { accessTokenFor } from '../../test/test-app';
import { Replica } from '../../test/replicas';
import { ExecutionsRepository, RESULT_FOLD_BATCH } from './executions.repository';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { ClaimedExecution } from './scheduler.types';
import { WorkerPool } from './worker-pool';
import {
  ExecutionRow,
  executionsOf,
  insertUser,
  ReplicaBed,
  Sink,
  sleep,
  startReplicaBed,
  waitFor,
} from './scheduler.test-fixtures';

/**
 * Seconds between the fire and the instant: the pause, delete and resume below land in
 * that gap however slow the machine. The leader normally fires 250 ms ahead (a burst up
 * to 5 s, which would take tens of thousands of jobs); the window is widened instead. A
 * fired-ahead execution is the same row and is held the same way either way.
 */
const FIRE_AHEAD_MS = 15_000;
const INSTANT_AHEAD_MS = 8_000;

/**
 * A job paused or deleted after the leader fired its next occurrence ahead of time, but
 * before that instant, does not fire it: the jobs statement deletes the unstarted row and
 * the replica holding it drops it (from its local queue, or from the slot where the call
 * waits for its instant). Resumed before the instant, the job fires that occurrence anew.
 */
describe('scheduler: occurrences fired ahead of a job paused or deleted before their instant', () => {
  let bed: ReplicaBed;
  let sink: Sink;
  let db: Client;
  let replica: Replica;
  let owner: { Authorization: string };
  let admin: { Authorization: string };

  const api = () => request(replica.app.getHttpServer());
  const callsTo = (name: string) => sink.calls.filter((call) => call.path === `/${name}`);
  const dbNowMs = async () =>
    Number((await db.query<{ ms: string }>(`SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms`)).rows[0].ms);
  const tokenFor = async (id: string, role: 'admin' | 'user') => {
    const { rows } = await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [id]);
    return { Authorization: `Bearer ${accessTokenFor(replica.env, { id, email: rows[0].email, role })}` };
  };

  beforeAll(async () => {
    bed = await startReplicaBed();
    ({ sink, db } = bed);
    // One slot: the AT_MOST_ONCE job's call waits for its instant in it, so every other
    // execution fired ahead waits in the local queue.
    replica = await bed.start('p1', { WORKER_CONCURRENCY: '1' });
    replica.app.get<SchedulerConfig>(SCHEDULER_CONFIG).fireAheadMs = FIRE_AHEAD_MS;
    owner = await tokenFor(bed.ownerId, 'user');
    admin = await tokenFor(await insertUser(db, 'admin'), 'admin');
    // Until a heartbeat has counted no dispatching peer, the local queue is sized for
    // sharing (4 × WORKER_CONCURRENCY) and would leave some executions pending. Heartbeats
    // run one after another, so a later one means the first one's count was applied.
    const heartbeatOfLeader = async () =>
      (
        await db.query<{ at: Date }>(
          `SELECT heartbeat_at AS at FROM scheduler_replicas WHERE replica_id = 'p1' AND is_leader`,
        )
      ).rows[0]?.at.getTime();
    const first = await waitFor(heartbeatOfLeader, 10_000);
    await waitFor(async () => ((await heartbeatOfLeader()) ?? 0) > first, 10_000);
  });

  afterAll(() => bed?.close());

  it('never calls them and deletes their rows; a job resumed before the instant fires it once; the others fire once', async () => {
    const workers = replica.app.get(WorkerPool);
    const at = new Date(Math.ceil((Date.now() + INSTANT_AHEAD_MS) / 1000) * 1000);
    // Hourly at that minute and second: the job stays active once fired, so it can be paused.
    // A `once` job fired ahead is `completed` already: it can only be deleted.
    const hourly = { kind: 'cron', expression: `${at.getUTCSeconds()} ${at.getUTCMinutes()} * * * *`, timezone: 'UTC' };
    const once = { kind: 'once', at: at.toISOString() };
    const job = (
      name: string,
      schedule: object,
      executionType: 'AT_LEAST_ONCE' | 'AT_MOST_ONCE' = 'AT_LEAST_ONCE',
    ) => ({
      name,
      schedule,
      target: { kind: 'http', method: 'POST', url: `${sink.url}/${name}`, timeoutMs: 5_000 },
      executionType,
      retry: { maxAttempts: 1 },
      concurrency: 'allow',
    });
    // One bulk: one NOTIFY, one fire transaction, so the AT_MOST_ONCE job gets the slot.
    const created = await api()
      .post('/api/v1/jobs/bulk')
      .set(owner)
      .send({
        jobs: [
          job('paused', hourly, 'AT_MOST_ONCE'),
          job('deleted', once),
          job('resumed', hourly),
          job('kept-1', hourly),
          job('kept-2', once),
        ],
      })
      .expect(201);
    const ids: Record<string, string> = Object.fromEntries(
      created.body.items.map((item: { id: string; name: string }) => [item.name, item.id]),
    );

    const fired = new Map<string, ExecutionRow>();
    await waitFor(async () => {
      for (const name of Object.keys(ids)) {
        const [row] = await executionsOf(db, ids[name]);
        if (row?.status === 'running' && row.replica_id === 'p1') fired.set(name, row);
      }
      return fired.size === 5 && workers.inFlightCount === 1 && workers.queuedCount === 4;
    }, 10_000);

    // Queued on the replica; deleted by an admin (role zer08_api_admin).
    await api().delete(`/api/v1/jobs/${ids.deleted}`).set(admin).expect(204);
    expect(await executionsOf(db, ids.deleted)).toEqual([]);
    await waitFor(() => workers.queuedCount === 3, 5_000);

    // Held in the slot until its instant; paused by its owner (role zer08_api). The freed
    // slot takes the next queued execution, which waits there for the instant in turn.
    await api().post(`/api/v1/jobs/${ids.paused}/pause`).set(owner).expect(200);
    expect(await executionsOf(db, ids.paused)).toEqual([]);
    await waitFor(() => workers.inFlightCount + workers.queuedCount === 3, 5_000);

    await api().post(`/api/v1/jobs/${ids.resumed}/pause`).set(owner).expect(200);
    expect(await executionsOf(db, ids.resumed)).toEqual([]);
    await waitFor(() => workers.inFlightCount + workers.queuedCount === 2, 5_000);
    const resumed = await api().post(`/api/v1/jobs/${ids.resumed}/resume`).set(owner).expect(200);
    expect(resumed.body).toMatchObject({ status: 'active', nextRunAt: at.toISOString() });
    // Fired again for the same instant: the deleted row left the occurrence key free.
    const refired = await waitFor(async () => {
      const [row] = await executionsOf(db, ids.resumed);
      return row?.status === 'running' ? row : null;
    }, 5_000);
    expect(refired.id).not.toBe(fired.get('resumed')?.id);
    expect(refired.scheduled_for.getTime()).toBe(at.getTime());
    // All of it before the instant (seconds to spare), or the test would prove nothing.
    expect(await dbNowMs()).toBeLessThan(at.getTime());

    // A worker's late result for a vanished row (a call that raced the delete) is logged;
    // the fold drops it: nothing is written back and no retry is queued.
    const vanished = fired.get('deleted') as ExecutionRow;
    const repository = replica.app.get(ExecutionsRepository);
    const lateResult = await repository.writeResults('p1', [
      {
        execution: {
          id: vanished.id,
          jobId: vanished.job_id,
          scheduledFor: vanished.scheduled_for,
          attempt: 1,
          startedAt: vanished.started_at as Date,
        } as ClaimedExecution,
        outcome: { status: 'failed', finishedAt: new Date(), durationMs: 1, httpStatus: 500 },
        retryDelayMs: 10,
      },
    ]);
    expect(lateResult).toBe(1);
    await repository.foldResults(RESULT_FOLD_BATCH);
    const leftInLog = await db.query('SELECT count(*)::int AS n FROM execution_result_log WHERE execution_id = $1', [
      vanished.id,
    ]);
    expect(leftInLog.rows[0].n).toBe(0);
    expect(await executionsOf(db, ids.deleted)).toEqual([]);

    const finished = await waitFor(async () => {
      const rows: ExecutionRow[][] = [];
      for (const name of ['resumed', 'kept-1', 'kept-2']) rows.push(await executionsOf(db, ids[name]));
      return rows.every((row) => row.length === 1 && row[0].status === 'succeeded') ? rows.flat() : null;
    }, 30_000);
    expect(finished.map((row) => row.id)).toEqual([refired.id, fired.get('kept-1')?.id, fired.get('kept-2')?.id]);
    // Anything held by mistake would have been called at the instant, with those above.
    await sleep(500);

    expect(callsTo('paused')).toHaveLength(0);
    expect(callsTo('deleted')).toHaveLength(0);
    for (const name of ['resumed', 'kept-1', 'kept-2']) {
      expect(callsTo(name)).toHaveLength(1);
      expect(callsTo(name)[0].receivedAt).toBeGreaterThanOrEqual(at.getTime());
    }
    expect(sink.calls).toHaveLength(3);
    expect(await executionsOf(db, ids.paused)).toEqual([]);
    expect(await executionsOf(db, ids.deleted)).toEqual([]);
    const { rows: states } = await db.query<{ id: string; status: string; next_run_at: Date | null }>(
      `SELECT id, status, next_run_at FROM jobs WHERE id = ANY($1::uuid[])`,
      [[ids.paused, ids.deleted]],
    );
    expect(Object.fromEntries(states.map((row) => [row.id, [row.status, row.next_run_at]]))).toEqual({
      [ids.paused]: ['paused', null],
      [ids.deleted]: ['deleted', null],
    });
  }, 60_000);

  it('a pause that waited for a fire transaction holding the job still withdraws what that transaction inserted', async () => {
    // Next due in about half an hour: the leader itself stays away from it.
    const due = new Date(Math.ceil((Date.now() + 30 * 60_000) / 60_000) * 60_000);
    const created = await api()
      .post('/api/v1/jobs')
      .set(owner)
      .send({
        name: 'raced',
        schedule: { kind: 'cron', expression: `0 ${due.getUTCMinutes()} * * * *`, timezone: 'UTC' },
        target: { kind: 'http', method: 'POST', url: `${sink.url}/raced` },
      })
      .expect(201);
    const jobId: string = created.body.id;
    // A fire transaction, as the leader runs it: the job locked, its occurrence inserted.
    const fire = new Client({ connectionString: bed.database.url });
    await fire.connect();
    try {
      await fire.query('BEGIN');
      await fire.query('SELECT id FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
      await fire.query(
        `INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, available_at)
         VALUES ($1, $2, 1, 'schedule', 'pending', $2)`,
        [jobId, due],
      );
      const pause = api()
        .post(`/api/v1/jobs/${jobId}/pause`)
        .set(owner)
        .then((response) => response);
      // The pause's update waits for the job's row lock.
      await waitFor(async () => {
        const { rows } = await db.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE jobs SET%'`,
        );
        return rows.length > 0;
      }, 10_000);
      await fire.query('COMMIT');
      expect((await pause).status).toBe(200);
    } finally {
      await fire.end();
    }
    expect(await executionsOf(db, jobId)).toEqual([]);
  }, 30_000);
});
