import { readFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { accessTokenFor } from '../../test/test-app';
import { Replica, startReplica } from '../../test/replicas';
import { createTestDatabase, TestDatabase } from '../../test/test-database';
import { verifyDelivery } from '../executor/signature';
import { DbClock } from './db-clock';
import { ExecutionsRepository } from './executions.repository';
import { isPresenceLock } from './presence-lock';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { SchedulerService } from './scheduler.service';
import {
  executionsOf,
  insertJobs,
  insertUser,
  Sink,
  SinkCall,
  sleep,
  startSink,
  waitFor,
} from './scheduler.test-fixtures';

/** Everything one replica does on its own: firing, results, retries, policies, cancel, control. */
describe('scheduler on one replica', () => {
  let database: TestDatabase;
  let replica: Replica;
  let sink: Sink;
  let db: Client;
  let ownerId: string;
  const routes = new Map<string, (call: SinkCall, res: ServerResponse) => void>();

  const callsTo = (path: string) => sink.calls.filter((call) => call.path === path);
  const scheduledForOf = (call: SinkCall) =>
    Date.parse(String(call.headers['idempotency-key']).split(':').slice(1).join(':'));
  const http = (path: string, extra: object = {}) => ({
    kind: 'http',
    method: 'POST',
    url: `${sink.url}${path}`,
    body: { path },
    ...extra,
  });
  const everySecond = { kind: 'cron', expression: '* * * * * *' };
  const pause = (jobId: string) => db.query(`UPDATE jobs SET status = 'paused' WHERE id = $1`, [jobId]);
  const dbNow = async () => (await db.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;
  const finished = (jobId: string, count: number) =>
    waitFor(async () => {
      const rows = await executionsOf(db, jobId);
      return rows.length >= count && rows.every((row) => !['pending', 'running'].includes(row.status)) ? rows : null;
    }, 10_000);

  beforeAll(async () => {
    database = await createTestDatabase();
    replica = await startReplica(database, 'solo');
    sink = await startSink();
    sink.respond = (call, res) => (routes.get(call.path) ?? ((_c, r) => r.writeHead(200).end('ok')))(call, res);
    db = new Client({ connectionString: database.url });
    await db.connect();
    ownerId = await insertUser(db);
  });

  afterAll(async () => {
    await replica?.close();
    await db?.end();
    await sink?.close();
    await database?.drop();
  });

  it('signs every delivery so that the recipe in docs/scheduler.md verifies it', async () => {
    const [jobId] = await insertJobs(db, [
      {
        ownerId,
        schedule: everySecond,
        target: http('/signed', { headers: { 'X-Custom': 'yes' } }),
        signingSecret: 'whsec_test_123',
      },
    ]);
    const [call] = await waitFor(() => (callsTo('/signed').length > 0 ? callsTo('/signed') : null), 5_000);
    await pause(jobId);
    const headers = {
      timestamp: String(call.headers['x-zer08-timestamp']),
      signature: String(call.headers['x-zer08-signature']),
    };
    expect(verifyDelivery('whsec_test_123', headers, call.body)).toBe(true);
    // The receiver snippet printed in docs/scheduler.md, run verbatim against the real delivery.
    const docs = readFileSync(join(__dirname, '../../../../docs/scheduler.md'), 'utf8');
    const snippet = /```js\n([\s\S]*?)```/.exec(docs)?.[1] ?? '';
    const verifyZer08 = new Function('require', `${snippet}\nreturn verifyZer08;`)(require) as (
      secret: string,
      headers: SinkCall['headers'],
      rawBody: string,
    ) => boolean;
    expect(verifyZer08('whsec_test_123', call.headers, call.body)).toBe(true);
    expect(verifyZer08('another-secret', call.headers, call.body)).toBe(false);
    expect(verifyZer08('whsec_test_123', call.headers, `${call.body} `)).toBe(false);
    expect(verifyDelivery('another-secret', headers, call.body)).toBe(false);
    expect(verifyDelivery('whsec_test_123', headers, call.body.replace('signed', 'forged'))).toBe(false);
    expect(JSON.parse(call.body)).toEqual({ path: '/signed' });
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers['x-custom']).toBe('yes');
    expect(call.headers['x-zer08-attempt']).toBe('1');
    expect(call.headers['idempotency-key']).toMatch(
      new RegExp(`^${jobId}:\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000Z$`),
    );
    const rows = await finished(jobId, 1);
    expect(rows.map((row) => row.id)).toContain(call.headers['x-zer08-execution-id']);
  });

  // Runs after the signature test: the lateness bound is about steady state, not the first call of a cold jest worker.
  it('fires an every-second cron job on time: sink receive time - scheduledFor < 250 ms', async () => {
    const [jobId] = await insertJobs(db, [{ ownerId, schedule: everySecond, target: http('/on-time') }]);
    await waitFor(() => callsTo('/on-time').length >= 4, 8_000);
    await pause(jobId);
    const lateness = callsTo('/on-time').map((call) => call.receivedAt - scheduledForOf(call));
    expect(Math.max(...lateness)).toBeLessThan(250);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);

    const rows = await finished(jobId, callsTo('/on-time').length);
    expect(
      rows.every((row) => row.status === 'succeeded' && row.http_status === 200 && row.response_excerpt === 'ok'),
    ).toBe(true);
    expect(rows.every((row) => row.scheduled_for.getTime() % 1000 === 0)).toBe(true);
    expect(rows.every((row) => row.replica_id === 'solo' && Number(row.leader_epoch) >= 1)).toBe(true);
    const { rows: job } = await db.query(
      `SELECT call_count, last_status, last_run_at FROM job_runs WHERE job_id = $1`,
      [jobId],
    );
    expect(Number(job[0].call_count)).toBe(rows.length);
    expect(job[0].last_status).toBe('succeeded');
  });

  it('exports its numbers on /metrics (fires, lateness, results, callback durations, leadership)', async () => {
    const { text } = await request(replica.app.getHttpServer()).get('/metrics').expect(200);
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    expect(value(/^zer08_fires_total\{trigger="schedule"\} (\d+)/m)).toBeGreaterThan(0);
    expect(value(/^zer08_fire_lateness_seconds_count (\d+)/m)).toBeGreaterThan(0);
    expect(value(/^zer08_executions_total\{status="succeeded"\} (\d+)/m)).toBeGreaterThan(0);
    expect(value(/^zer08_callback_duration_seconds_count\{target_kind="http"\} (\d+)/m)).toBeGreaterThan(0);
    expect(value(/^zer08_leader (\d+)/m)).toBe(1);
    expect(value(/^zer08_leader_epoch (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^zer08_lock_session_up (\d+)/m)).toBe(1);
  });

  it('still fires on time when the replica clock runs 30 s behind: timers run on the measured database clock', async () => {
    const clock = replica.app.get(DbClock);
    const realNow = clock.localNow;
    clock.localNow = () => Date.now() - 30_000;
    try {
      await clock.sync();
      expect(clock.offset).toBeGreaterThan(29_900);
      const [jobId] = await insertJobs(db, [{ ownerId, schedule: everySecond, target: http('/skewed') }]);
      await waitFor(() => callsTo('/skewed').length >= 3, 6_000);
      await pause(jobId);
      const lateness = callsTo('/skewed').map((call) => call.receivedAt - scheduledForOf(call));
      expect(Math.max(...lateness)).toBeLessThan(250);
      // The signature timestamp is database time too, so receivers with good clocks accept it.
      expect(Math.abs(Number(callsTo('/skewed')[0].headers['x-zer08-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    } finally {
      clock.localNow = realNow;
      await clock.sync();
    }
  });

  it('retries a failing callback with exponential backoff, same idempotency key, then ends failed', async () => {
    routes.set('/fails', (_call, res) => res.writeHead(500).end('boom'));
    const [jobId] = await insertJobs(db, [
      {
        ownerId,
        schedule: everySecond,
        target: http('/fails'),
        maxAttempts: 3,
        initialDelayMs: 300,
        backoff: 'exponential',
      },
    ]);
    await waitFor(() => callsTo('/fails').length > 0, 5_000);
    await pause(jobId);
    const firstKey = String(callsTo('/fails')[0].headers['idempotency-key']);
    const attempts = await waitFor(() => {
      const same = callsTo('/fails').filter((call) => call.headers['idempotency-key'] === firstKey);
      return same.length >= 3 ? same : null;
    }, 8_000);
    expect(attempts.map((call) => call.headers['x-zer08-attempt'])).toEqual(['1', '2', '3']);
    // 300 ms then 600 ms (plus up to 10 % jitter and the claim poll).
    expect(attempts[1].receivedAt - attempts[0].receivedAt).toBeGreaterThanOrEqual(290);
    expect(attempts[2].receivedAt - attempts[1].receivedAt).toBeGreaterThanOrEqual(590);
    await sleep(1_500);
    expect(callsTo('/fails').filter((call) => call.headers['idempotency-key'] === firstKey)).toHaveLength(3);

    const rows = (await finished(jobId, 3)).filter(
      (row) => row.scheduled_for.getTime() === scheduledForOf(attempts[0]),
    );
    expect(rows.map((row) => [row.attempt, row.trigger, row.status, row.http_status])).toEqual([
      [1, 'schedule', 'failed', 500],
      [2, 'retry', 'failed', 500],
      [3, 'retry', 'failed', 500],
    ]);
    expect(rows[0].error).toMatch(/HTTP 500/);
  });

  it('records a callback that outlives timeoutMs as timed_out', async () => {
    routes.set('/slow', (_call, res) => setTimeout(() => res.writeHead(200).end('late'), 2_000));
    const [jobId] = await insertJobs(db, [
      { ownerId, schedule: everySecond, target: http('/slow', { timeoutMs: 300 }), maxAttempts: 1 },
    ]);
    await waitFor(() => callsTo('/slow').length > 0, 5_000);
    await pause(jobId);
    const rows = await finished(jobId, 1);
    expect(rows[0]).toMatchObject({ status: 'timed_out', http_status: null });
    expect(rows[0].error).toMatch(/300 ms/);
  });

  it('keeps only the first 4 KB of a large response and still succeeds', async () => {
    routes.set('/big', (_call, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(300_000)));
    const [jobId] = await insertJobs(db, [{ ownerId, schedule: everySecond, target: http('/big') }]);
    const [row] = await finished(jobId, 1);
    await pause(jobId);
    expect(row.status).toBe('succeeded');
    expect(row.response_excerpt).toHaveLength(4_096);
  });

  it('records connection refused as failed with the reason', async () => {
    const closed = await startSink();
    await closed.close();
    const [jobId] = await insertJobs(db, [
      {
        ownerId,
        schedule: everySecond,
        target: { kind: 'http', url: `${closed.url}/nobody`, timeoutMs: 2_000 },
        maxAttempts: 1,
      },
    ]);
    const rows = await finished(jobId, 1);
    await pause(jobId);
    expect(rows[0].status).toBe('failed');
    expect(rows[0].error).toMatch(/connection refused/);
  });

  it('runs handler targets in process and stores their JSON result; an unknown handler fails clearly', async () => {
    const [echo, unknown] = await insertJobs(db, [
      { ownerId, schedule: everySecond, target: { kind: 'handler', name: 'echo', payload: { n: 42 } } },
      { ownerId, schedule: everySecond, target: { kind: 'handler', name: 'no-such-handler' } },
    ]);
    const [echoRows, unknownRows] = await Promise.all([finished(echo, 1), finished(unknown, 1)]);
    await Promise.all([pause(echo), pause(unknown)]);
    expect(echoRows[0].status).toBe('succeeded');
    expect(echoRows[0].result).toMatchObject({ payload: { n: 42 }, jobId: echo, attempt: 1 });
    expect(unknownRows[0].status).toBe('failed');
    expect(unknownRows[0].error).toMatch(/unknown handler 'no-such-handler'.*echo/);
  });

  describe('misfire after downtime (next_run_at 10 minutes in the past, a job due at second 0 of every minute)', () => {
    const everyMinute = { kind: 'cron', expression: '0 * * * * *' };
    const tenMinutesAgo = `date_trunc('minute', clock_timestamp()) - interval '10 minutes'`;

    async function runMisfire(misfire: 'fire_once' | 'skip' | 'catch_up') {
      // Keep clear of a minute boundary, so "the latest missed occurrence" cannot move during the test.
      while ((await dbNow()).getUTCSeconds() >= 55) await sleep(500);
      const before = await dbNow();
      const [jobId] = await insertJobs(db, [
        {
          ownerId,
          schedule: everyMinute,
          target: http(`/misfire-${misfire}`),
          misfire,
          catchUpLimit: 3,
          nextRunAtSql: tenMinutesAgo,
        },
      ]);
      await waitFor(async () => {
        const { rows } = await db.query(`SELECT next_run_at FROM jobs WHERE id = $1`, [jobId]);
        return rows[0].next_run_at > before;
      }, 5_000);
      await sleep(500);
      const { rows: job } = await db.query<{ next_run_at: Date }>(`SELECT next_run_at FROM jobs WHERE id = $1`, [
        jobId,
      ]);
      const rows = (await executionsOf(db, jobId)).filter((row) => row.scheduled_for <= before);
      await pause(jobId);
      return { rows, nextRunAt: job[0].next_run_at, latestMinute: Math.floor(before.getTime() / 60_000) * 60_000 };
    }

    it('fire_once: one execution, for the latest missed occurrence, then on to the future', async () => {
      const { rows, nextRunAt, latestMinute } = await runMisfire('fire_once');
      expect(rows.map((row) => row.scheduled_for.getTime())).toEqual([latestMinute]);
      expect(nextRunAt.getTime()).toBe(latestMinute + 60_000);
    });

    it('skip: no execution for the missed occurrences, next_run_at in the future', async () => {
      const { rows, nextRunAt, latestMinute } = await runMisfire('skip');
      expect(rows).toEqual([]);
      expect(nextRunAt.getTime()).toBe(latestMinute + 60_000);
    });

    it('catch_up: one execution per missed occurrence, bounded by catch_up_limit (the latest 3)', async () => {
      const { rows, nextRunAt, latestMinute } = await runMisfire('catch_up');
      expect(rows.map((row) => row.scheduled_for.getTime())).toEqual([
        latestMinute - 120_000,
        latestMinute - 60_000,
        latestMinute,
      ]);
      expect(nextRunAt.getTime()).toBe(latestMinute + 60_000);
    });
  });

  it('concurrency forbid: while a slow call runs, new occurrences are recorded as skipped and never overlap', async () => {
    routes.set('/forbid', (_call, res) => setTimeout(() => res.writeHead(200).end('done'), 2_200));
    const [jobId] = await insertJobs(db, [
      { ownerId, schedule: everySecond, target: http('/forbid'), concurrency: 'forbid' },
    ]);
    await waitFor(
      async () => (await executionsOf(db, jobId)).filter((row) => row.status === 'skipped').length >= 2,
      6_000,
    );
    await pause(jobId);
    const rows = await finished(jobId, 1);
    const ran = rows.filter((row) => row.status !== 'skipped');
    const skipped = rows.filter((row) => row.status === 'skipped');
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    expect(skipped.every((row) => /forbid/.test(row.error ?? ''))).toBe(true);
    for (let i = 1; i < ran.length; i++)
      expect(ran[i].started_at!.getTime()).toBeGreaterThanOrEqual(ran[i - 1].finished_at!.getTime());
    expect(callsTo('/forbid')).toHaveLength(ran.length);
  });

  it('concurrency replace: each new occurrence cancels the running call (aborting it) and fires', async () => {
    let aborted = 0;
    routes.set('/replace', (_call, res) => {
      res.on('close', () => (aborted += res.writableEnded ? 0 : 1));
      setTimeout(() => res.writeHead(200).end('done'), 1_600).unref();
    });
    const [jobId] = await insertJobs(db, [
      {
        ownerId,
        schedule: everySecond,
        target: http('/replace', { timeoutMs: 10_000 }),
        concurrency: 'replace',
        maxAttempts: 3,
      },
    ]);
    await waitFor(() => callsTo('/replace').length >= 3, 6_000);
    await pause(jobId);
    const rows = await finished(jobId, 3);
    const cancelled = rows.filter((row) => row.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThanOrEqual(2);
    expect(cancelled.every((row) => /replace/.test(row.error ?? ''))).toBe(true);
    expect(rows.filter((row) => row.trigger === 'retry')).toHaveLength(0);
    await waitFor(() => aborted >= 2, 2_000);
  });

  it('pauses a job whose stored schedule the engine refuses, without stalling the others', async () => {
    const [broken, healthy] = await insertJobs(db, [
      { ownerId, schedule: { kind: 'cron', expression: 'not a cron' }, target: http('/broken') },
      { ownerId, schedule: everySecond, target: http('/healthy') },
    ]);
    await waitFor(() => callsTo('/healthy').length > 0, 5_000);
    await pause(healthy);
    const { rows } = await db.query(
      `SELECT j.status, r.last_status, j.next_run_at FROM jobs j JOIN job_runs r ON r.job_id = j.id WHERE j.id = $1`,
      [broken],
    );
    expect(rows[0]).toEqual({ status: 'paused', last_status: 'schedule_error', next_run_at: null });
    expect(await executionsOf(db, broken)).toEqual([]);
  });

  it('pause stops new executions, resume starts them again', async () => {
    const [jobId] = await insertJobs(db, [{ ownerId, schedule: everySecond, target: http('/pause') }]);
    await waitFor(() => callsTo('/pause').length >= 1, 5_000);
    await pause(jobId);
    const countAtPause = (await executionsOf(db, jobId)).length;
    await sleep(2_200);
    expect((await executionsOf(db, jobId)).length).toBe(countAtPause);

    await db.query(
      `UPDATE jobs SET status = 'active', next_run_at = date_trunc('second', clock_timestamp()) + interval '1 second' WHERE id = $1`,
      [jobId],
    );
    await db.query(`SELECT pg_notify('zer08_jobs_changed', $1)`, [jobId]);
    await waitFor(async () => (await executionsOf(db, jobId)).length >= countAtPause + 2, 5_000);
    await pause(jobId);
  });

  it('runs a manual trigger (a pending "manual" row) of a paused job', async () => {
    const [jobId] = await insertJobs(db, [
      { ownerId, schedule: everySecond, target: http('/manual'), status: 'paused' },
    ]);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status) VALUES ($1, clock_timestamp(), 1, 'manual', 'pending') RETURNING id`,
      [jobId],
    );
    await db.query(`SELECT pg_notify('zer08_executions_pending', $1)`, [jobId]);
    const [done] = await finished(jobId, 1);
    expect(done).toMatchObject({ id: rows[0].id, trigger: 'manual', status: 'succeeded' });
    expect(callsTo('/manual').map((call) => call.headers['x-zer08-execution-id'])).toEqual([rows[0].id]);
  });

  describe('expired leases (a worker lost mid-call)', () => {
    async function lostExecution(executionType: 'AT_LEAST_ONCE' | 'AT_MOST_ONCE', path: string) {
      const [jobId] = await insertJobs(db, [
        { ownerId, schedule: everySecond, target: http(path), status: 'paused', executionType },
      ]);
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO executions (job_id, scheduled_for, status, started_at, lease_expires_at, replica_id)
         VALUES ($1, date_trunc('second', clock_timestamp()), 'running', clock_timestamp() - interval '40 seconds',
                 clock_timestamp() - interval '1 second', 'crashed-replica')
         RETURNING id`,
        [jobId],
      );
      return { jobId, executionId: rows[0].id };
    }

    it('AT_LEAST_ONCE: the reaper queues it again and it runs (same execution, same idempotency key)', async () => {
      const { jobId, executionId } = await lostExecution('AT_LEAST_ONCE', '/lost-alo');
      const [row] = await finished(jobId, 1);
      expect(row).toMatchObject({ id: executionId, status: 'succeeded', replica_id: 'solo' });
      expect(callsTo('/lost-alo').map((call) => call.headers['x-zer08-execution-id'])).toEqual([executionId]);
    });

    it('AT_MOST_ONCE: the reaper marks it abandoned and it never runs again', async () => {
      const { jobId, executionId } = await lostExecution('AT_MOST_ONCE', '/lost-amo');
      const [row] = await finished(jobId, 1);
      expect(row).toMatchObject({ id: executionId, status: 'abandoned' });
      expect(row.error).toMatch(/AT_MOST_ONCE/);
      await sleep(600);
      expect(callsTo('/lost-amo')).toHaveLength(0);
    });
  });

  describe('a lost replica (silent while the leader beats, presence lock free): its work is taken back before its leases expire', () => {
    const config = () => replica.app.get<SchedulerConfig>(SCHEDULER_CONFIG);
    const since = new Date(0);
    /** The reaper as the leader runs it, with `beats` as this replica's run of heartbeats (to now by default). */
    const reap = async (beats: { since: Date; last?: Date }) =>
      replica.app
        .get(ExecutionsRepository)
        .reapLostWork(config(), { replicaId: 'solo', since: beats.since, last: beats.last ?? (await dbNow()) });
    const rowOf = async (executionId: string) =>
      (
        await db.query<{ status: string; error: string | null; held_for_its_instant: boolean }>(
          'SELECT status, error, available_at = scheduled_for AS held_for_its_instant FROM executions WHERE id = $1',
          [executionId],
        )
      ).rows[0];
    const jobIds: string[] = [];

    /** A replica whose last heartbeat was `heartbeatAgoMs` ago, holding one call due in `dueInMs`. */
    async function heldBy(
      replicaId: string,
      heartbeatAgoMs: number,
      executionType: 'AT_LEAST_ONCE' | 'AT_MOST_ONCE',
      path: string,
      dueInMs = 0,
    ) {
      const { rows: beat } = await db.query<{ heartbeat_at: Date }>(
        `INSERT INTO scheduler_replicas (replica_id, hostname, pid, started_at, heartbeat_at, is_leader, dispatching)
         SELECT $1, 'elsewhere', 1, beat, beat, false, true
         FROM (SELECT clock_timestamp() - $2::int * interval '1 millisecond' AS beat) b
         RETURNING heartbeat_at`,
        [replicaId, heartbeatAgoMs],
      );
      const [jobId] = await insertJobs(db, [
        { ownerId, schedule: everySecond, target: http(path), status: 'paused', executionType },
      ]);
      jobIds.push(jobId);
      // As the fire transaction leaves a call held for its instant: running, lease from the instant on.
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO executions (job_id, scheduled_for, status, available_at, started_at, lease_expires_at, replica_id)
         SELECT $1, due, 'running', due, due, due + interval '5 minutes', $2
         FROM (SELECT date_trunc('milliseconds', clock_timestamp() + $3::int * interval '1 millisecond') AS due) d
         RETURNING id`,
        [jobId, replicaId, dueInMs],
      );
      return { jobId, executionId: rows[0].id, heartbeatAt: beat[0].heartbeat_at };
    }

    afterAll(async () => {
      await db.query(`DELETE FROM executions WHERE job_id = ANY($1::uuid[]) AND status IN ('pending', 'running')`, [
        jobIds,
      ]);
      await db.query(`DELETE FROM scheduler_replicas WHERE hostname = 'elsewhere'`);
    });

    it("holds this replica's own presence lock on its LISTEN session", async () => {
      const { rows } = await db.query<{ holder: string }>(
        `SELECT a.application_name AS holder FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE ${isPresenceLock('l', '$1', "'solo'")}`,
        [config().presenceLockClass],
      );
      expect(rows).toEqual([{ holder: 'zer08-listen:solo' }]);
    });

    it('AT_LEAST_ONCE: queued again at once, held for its own instant, then run', async () => {
      const { jobId, executionId } = await heldBy('vanished-alo', 5_000, 'AT_LEAST_ONCE', '/vanished-alo', 2_000);
      await reap({ since });
      expect(await rowOf(executionId)).toMatchObject({ status: 'pending', held_for_its_instant: true });
      expect((await rowOf(executionId)).error).toMatch(/replica vanished-alo was lost .*queued to run again/);
      const [row] = await finished(jobId, 1);
      expect(row).toMatchObject({ id: executionId, status: 'succeeded', replica_id: 'solo' });
      expect(callsTo('/vanished-alo').map((call) => call.headers['x-zer08-execution-id'])).toEqual([executionId]);
    });

    it('AT_MOST_ONCE: abandoned at once', async () => {
      const { executionId } = await heldBy('vanished-amo', 5_000, 'AT_MOST_ONCE', '/vanished-amo');
      await reap({ since });
      const row = await rowOf(executionId);
      expect(row.status).toBe('abandoned');
      expect(row.error).toMatch(/replica vanished-amo was lost .*AT_MOST_ONCE never re-runs/);
    });

    it('is not lost while its presence lock is held (its heartbeats stalled) or its heartbeat is fresh (its session dropped)', async () => {
      const presence = new Client({ connectionString: database.url });
      await presence.connect();
      try {
        await presence.query('SELECT pg_advisory_lock($1, hashtext($2))', [config().presenceLockClass, 'frozen']);
        const frozen = await heldBy('frozen', 5_000, 'AT_LEAST_ONCE', '/frozen', 60_000);
        const reconnecting = await heldBy('reconnecting', 0, 'AT_LEAST_ONCE', '/reconnecting', 60_000);
        await reap({ since });
        expect((await rowOf(frozen.executionId)).status).toBe('running');
        expect((await rowOf(reconnecting.executionId)).status).toBe('running');
        await presence.end();
        // The lock's session ended: now it is lost.
        await reap({ since });
        expect((await rowOf(frozen.executionId)).status).toBe('pending');
      } finally {
        await presence.end().catch(() => undefined);
      }
    });

    it("is not lost when it fell silent before the leader's heartbeats resumed, nor while the leader's own last one is stale (a database outage silences everyone)", async () => {
      const { rows } = await db.query<{ ago: number }>(
        `SELECT (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int + 10000 AS ago
         FROM scheduler_replicas WHERE replica_id = 'solo'`,
      );
      // Silent since before this replica's first heartbeat, so its own background reaper leaves it alone too.
      const silent = await heldBy('silent-since-outage', rows[0].ago, 'AT_LEAST_ONCE', '/silent', 60_000);
      await reap({ since: new Date(silent.heartbeatAt.getTime() + 1) });
      expect((await rowOf(silent.executionId)).status).toBe('running');
      await reap({ since, last: new Date((await dbNow()).getTime() - config().replicaLostAfterMs - 1_000) });
      expect((await rowOf(silent.executionId)).status).toBe('running');
      await reap({ since });
      expect((await rowOf(silent.executionId)).status).toBe('pending');
    });
  });

  describe('HTTP routes', () => {
    let admin: string;
    let owner: string;
    let stranger: string;

    beforeAll(async () => {
      const user = async (role: 'admin' | 'user') => {
        const id = await insertUser(db, role);
        const { rows } = await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [id]);
        return { id, token: accessTokenFor(replica.env, { id, email: rows[0].email, role }) };
      };
      admin = (await user('admin')).token;
      stranger = (await user('user')).token;
      const ownerUser = await user('user');
      owner = ownerUser.token;
      ownerId = ownerUser.id;
    });

    const api = () => request(replica.app.getHttpServer());

    it('GET /scheduler/status shows this replica leading, its heartbeat, lag and queue (admin only)', async () => {
      await waitFor(
        async () =>
          (await api().get('/api/v1/scheduler/status').set('Authorization', `Bearer ${admin}`)).body.replicas?.length >
          0,
        3_000,
      );
      const response = await api().get('/api/v1/scheduler/status').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(response.body).toMatchObject({
        replicaId: 'solo',
        isLeader: true,
        dispatching: true,
        leaderReplicaId: 'solo',
        enabled: true,
      });
      expect(response.body.leaderEpoch).toBeGreaterThanOrEqual(1);
      expect(response.body.replicas).toEqual([
        expect.objectContaining({ replicaId: 'solo', isLeader: true, dispatching: true, alive: true }),
      ]);
      expect(typeof response.body.lagMs).toBe('number');
      await api().get('/api/v1/scheduler/status').set('Authorization', `Bearer ${stranger}`).expect(403);
      await api().get('/api/v1/scheduler/status').expect(401);
    });

    it('documents the routes and DTOs in OpenAPI', async () => {
      const { body } = await api().get('/api/docs/openapi.json').expect(200);
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/scheduler/status',
          '/api/v1/scheduler/stop',
          '/api/v1/scheduler/start',
          '/api/v1/executions/{id}/cancel',
        ]),
      );
      expect(body.components.schemas.SchedulerStatusDto.properties).toHaveProperty('replicas');
      expect(body.components.schemas.SchedulerReplicaDto.properties).toHaveProperty('alive');
      expect(body.components.schemas.CancelledExecutionDto.properties).toHaveProperty('previousStatus');
    });

    it('cancels a pending execution (it never runs); 409 once finished; 404 for other users and bad ids', async () => {
      const [jobId] = await insertJobs(db, [
        { ownerId, schedule: everySecond, target: http('/cancel-pending'), status: 'paused' },
      ]);
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO executions (job_id, scheduled_for, trigger, status, available_at)
         VALUES ($1, clock_timestamp(), 'manual', 'pending', clock_timestamp() + interval '1 second') RETURNING id`,
        [jobId],
      );
      const id = rows[0].id;
      const notFound = await api()
        .post(`/api/v1/executions/${id}/cancel`)
        .set('Authorization', `Bearer ${stranger}`)
        .expect(404);
      expect(notFound.headers['content-type']).toMatch(/problem\+json/);
      const cancelled = await api()
        .post(`/api/v1/executions/${id}/cancel`)
        .set('Authorization', `Bearer ${owner}`)
        .expect(200);
      expect(cancelled.body).toMatchObject({ id, jobId, status: 'cancelled', previousStatus: 'pending', attempt: 1 });
      const again = await api()
        .post(`/api/v1/executions/${id}/cancel`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(409);
      expect(again.body.code).toBe('execution_finished');
      const bad = await api()
        .post(`/api/v1/executions/not-a-uuid/cancel`)
        .set('Authorization', `Bearer ${owner}`)
        .expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
      await sleep(1_500);
      expect(callsTo('/cancel-pending')).toHaveLength(0);
      expect((await executionsOf(db, jobId)).map((row) => row.status)).toEqual(['cancelled']);
    });

    it('cancels a running call: the HTTP request is aborted and the status stays cancelled', async () => {
      let aborted = false;
      routes.set('/cancel-running', (call, res) => {
        res.on('close', () => (aborted = !res.writableEnded));
        setTimeout(() => res.writeHead(200).end('too late'), 3_000);
      });
      const [jobId] = await insertJobs(db, [
        { ownerId, schedule: everySecond, target: http('/cancel-running'), maxAttempts: 3 },
      ]);
      await waitFor(() => callsTo('/cancel-running').length > 0, 5_000);
      await pause(jobId);
      const id = String(callsTo('/cancel-running')[0].headers['x-zer08-execution-id']);
      const cancelled = await api()
        .post(`/api/v1/executions/${id}/cancel`)
        .set('Authorization', `Bearer ${owner}`)
        .expect(200);
      expect(cancelled.body).toMatchObject({ id, status: 'cancelled', previousStatus: 'running' });
      await waitFor(() => aborted, 2_000);
      await sleep(500);
      const rows = await executionsOf(db, jobId);
      expect(rows.find((row) => row.id === id)?.status).toBe('cancelled');
      expect(rows.filter((row) => row.trigger === 'retry')).toHaveLength(0);
    });

    it('POST /scheduler/stop releases leadership and stops firing; POST /scheduler/start resumes', async () => {
      const stopped = await api().post('/api/v1/scheduler/stop').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(stopped.body).toMatchObject({ isLeader: false, dispatching: false });
      const [jobId] = await insertJobs(db, [{ ownerId, schedule: everySecond, target: http('/control') }]);
      await sleep(1_800);
      expect(await executionsOf(db, jobId)).toHaveLength(0);

      const started = await api().post('/api/v1/scheduler/start').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(started.body.dispatching).toBe(true);
      await waitFor(() => callsTo('/control').length > 0, 5_000);
      await pause(jobId);
      expect(replica.app.get(SchedulerService).leadership).not.toBeNull();
      await api().post('/api/v1/scheduler/stop').set('Authorization', `Bearer ${stranger}`).expect(403);
    });
  });

  it('purges history older than the retention (per-job override 0 = keep none), leaving other jobs alone', async () => {
    const [purged, kept] = await insertJobs(db, [
      { ownerId, schedule: everySecond, target: http('/retention'), status: 'paused', historyRetentionDays: 0 },
      { ownerId, schedule: everySecond, target: http('/retention'), status: 'paused' },
    ]);
    for (const jobId of [purged, kept]) {
      await db.query(
        `INSERT INTO executions (job_id, scheduled_for, status, finished_at)
         SELECT $1, clock_timestamp() - n * interval '1 second', 'succeeded', clock_timestamp() - interval '1 second'
         FROM generate_series(1, 30) n`,
        [jobId],
      );
    }
    await replica.app.get(SchedulerService).purgeHistory();
    expect(await executionsOf(db, purged)).toHaveLength(0);
    expect(await executionsOf(db, kept)).toHaveLength(30);
  });

  // Last on purpose: passport keeps one global 'jwt' strategy per process, so the newest app's
  // strategy (and DataSource) authenticates every app here; closing it breaks the others' auth.
  it('a replica with SCHEDULER_ENABLED=false serves the API but never leads or claims', async () => {
    const adminId = await insertUser(db, 'admin');
    const { rows } = await db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [adminId]);
    const apiOnly = await startReplica(database, 'api-only', { SCHEDULER_ENABLED: 'false' });
    try {
      const token = accessTokenFor(apiOnly.env, { id: adminId, email: rows[0].email, role: 'admin' });
      const server = apiOnly.app.getHttpServer();
      const status = await request(server)
        .get('/api/v1/scheduler/status')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(status.body).toMatchObject({
        replicaId: 'api-only',
        enabled: false,
        isLeader: false,
        dispatching: false,
        leaderReplicaId: 'solo',
      });
      expect(status.body.replicas.map((replica: { replicaId: string }) => replica.replicaId)).not.toContain('api-only');
      const refused = await request(server)
        .post('/api/v1/scheduler/start')
        .set('Authorization', `Bearer ${token}`)
        .expect(409);
      expect(refused.body.code).toBe('scheduler_disabled');
    } finally {
      await apiOnly.close();
    }
  });
});
