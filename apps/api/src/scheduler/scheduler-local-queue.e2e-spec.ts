import { Client } from 'pg';
import { insertJobs, ReplicaBed, Sink, sleep, startReplicaBed, waitFor } from './scheduler.test-fixtures';

interface Row {
  job_id: string;
  status: string;
  replica_id: string | null;
  scheduled_for: Date;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/**
 * The leader keeps more executions than it has worker slots: inserted `running` under its
 * lease and queued in memory (AT_LEAST_ONCE only), started as slots free up.
 */
describe('scheduler: the leader’s local queue', () => {
  let bed: ReplicaBed;
  let sink: Sink;
  let db: Client;
  let ownerId: string;
  let active = 0;
  let mostActive = 0;
  let delayMs = 0;

  const rowsOf = async (jobIds: string[]) =>
    (
      await db.query<Row>(
        `SELECT job_id, status, replica_id, scheduled_for, created_at, started_at, finished_at
         FROM executions WHERE job_id = ANY($1::uuid[])`,
        [jobIds],
      )
    ).rows;
  const onceJobs = async (
    prefix: string,
    count: number,
    executionType: 'AT_LEAST_ONCE' | 'AT_MOST_ONCE',
    timeoutMs = 5_000,
  ) => {
    const at = new Date(Math.ceil((Date.now() + 1_500) / 1000) * 1000).toISOString();
    return insertJobs(
      db,
      Array.from({ length: count }, (_, i) => ({
        ownerId,
        name: `${prefix}-${i}`,
        schedule: { kind: 'once', at },
        nextRunAt: at,
        executionType,
        target: { kind: 'http', method: 'POST', url: `${sink.url}/${prefix}/${i}`, timeoutMs },
      })),
    );
  };

  /**
   * A replica with one worker slot, alone, and a burst of `count` once-jobs fired into its
   * local queue: every execution `running` under its lease before the first call ends.
   */
  const burstQueuedOn = async (replicaId: string, prefix: string, count: number, timeoutMs?: number) => {
    const replica = await bed.start(replicaId, { WORKER_CONCURRENCY: '1' });
    // One heartbeat: it learns it dispatches alone, so it keeps the whole burst in its local queue.
    await sleep(1_500);
    const jobs = await onceJobs(prefix, count, 'AT_LEAST_ONCE', timeoutMs);
    const fired = await waitFor(async () => {
      const rows = await rowsOf(jobs);
      return rows.length === jobs.length ? rows : null;
    }, 5_000);
    expect(fired.every((row) => row.status === 'running' && row.replica_id === replicaId)).toBe(true);
    return { replica, jobs };
  };

  beforeAll(async () => {
    bed = await startReplicaBed();
    ({ sink, db, ownerId } = bed);
    sink.respond = (_call, res) => {
      active += 1;
      mostActive = Math.max(mostActive, active);
      setTimeout(() => {
        active -= 1;
        res.writeHead(200).end('ok');
      }, delayMs);
    };
  });

  afterAll(() => bed?.close());

  it('runs a burst larger than its slots on its own, within WORKER_CONCURRENCY, each once, with real start times', async () => {
    const replica = await bed.start('q1', { WORKER_CONCURRENCY: '4' });
    delayMs = 20;
    mostActive = 0;
    const jobs = [...(await onceJobs('burst', 40, 'AT_LEAST_ONCE')), ...(await onceJobs('amo', 6, 'AT_MOST_ONCE'))];
    const rows = await waitFor(async () => {
      const current = await rowsOf(jobs);
      return current.length === jobs.length && current.every((row) => row.status === 'succeeded') ? current : null;
    }, 15_000);

    const paths = sink.calls.filter((call) => /^\/(burst|amo)\//.test(call.path)).map((call) => call.path);
    expect(paths).toHaveLength(jobs.length);
    expect(new Set(paths).size).toBe(jobs.length);
    expect(mostActive).toBeLessThanOrEqual(4);
    const ms = (at: Date | null) => at?.getTime() ?? Number.NaN;
    for (const row of rows) {
      expect(row.replica_id).toBe('q1');
      expect(ms(row.started_at)).toBeGreaterThanOrEqual(ms(row.scheduled_for));
      expect(ms(row.started_at)).toBeLessThanOrEqual(ms(row.finished_at));
    }
    // 40 calls of 20 ms through 4 slots take ~200 ms: the last started well after the first,
    // and started_at says so (it is the real call start, not the insert).
    const starts = rows.map((row) => ms(row.started_at)).sort((a, b) => a - b);
    expect(starts[starts.length - 1] - starts[0]).toBeGreaterThanOrEqual(100);
    await replica.close();
  }, 30_000);

  it('folds the results of a queued burst once the queue is worked through, not beside its calls', async () => {
    delayMs = 400;
    const { replica, jobs } = await burstQueuedOn('q4', 'fold', 8);
    const foldState = async () =>
      (
        await db.query<{ logged: number; folded: number }>(
          `SELECT (SELECT count(*)::int FROM execution_result_log WHERE job_id = ANY($1::uuid[])) AS logged,
                  (SELECT count(*)::int FROM executions WHERE job_id = ANY($1::uuid[]) AND status = 'succeeded') AS folded`,
          [jobs],
        )
      ).rows[0];

    // The 7th call starts ~2.4 s after the 1st: 5 or 6 results are logged, the oldest well
    // over the 1 s a fold may otherwise wait, and the 8th call still waits in the queue.
    await waitFor(
      () => (sink.calls.filter((call) => call.path.startsWith('/fold/')).length >= 7 ? true : null),
      10_000,
      10,
    );
    const midway = await foldState();
    expect(midway.folded).toBe(0);
    expect(midway.logged).toBeGreaterThanOrEqual(5);

    const done = await waitFor(async () => {
      const state = await foldState();
      return state.folded === jobs.length ? state : null;
    }, 5_000);
    expect(done.logged).toBe(0);
    await replica.close();
  }, 30_000);

  it('renews the leases of calls queued longer than their lease: each runs once, none is reaped', async () => {
    // Lease = timeout (500 ms) + margin (5 s); 16 calls of 400 ms through one slot: the last
    // starts ~6 s after the instant, so its first lease has long expired by then.
    delayMs = 400;
    const { replica, jobs } = await burstQueuedOn('q5', 'renew', 16, 500);
    const done = await waitFor(async () => {
      const current = await rowsOf(jobs);
      return current.length === jobs.length && current.every((row) => row.status === 'succeeded') ? current : null;
    }, 20_000);
    expect(done).toHaveLength(jobs.length);
    await sleep(300);
    const calls = sink.calls.filter((call) => call.path.startsWith('/renew/')).map((call) => call.path);
    expect(calls).toHaveLength(jobs.length);
    expect(new Set(calls).size).toBe(jobs.length);
    await replica.close();
  }, 40_000);

  it('puts queued executions back to pending at shutdown; another replica runs each exactly once', async () => {
    const first = await bed.start('q2', { WORKER_CONCURRENCY: '2', SCHEDULER_SHUTDOWN_GRACE_MS: '100' });
    delayMs = 1_500;
    const jobs = await onceJobs('drain', 12, 'AT_LEAST_ONCE');
    // Fired: 2 calls in flight, the other 10 queued in memory as `running` under q2's lease.
    await waitFor(async () => ((await rowsOf(jobs)).length === jobs.length ? true : null), 5_000);
    await waitFor(
      () => (sink.calls.filter((call) => call.path.startsWith('/drain/')).length >= 2 ? true : null),
      5_000,
    );
    const beforeClose = await rowsOf(jobs);
    expect(beforeClose.every((row) => row.status === 'running' && row.replica_id === 'q2')).toBe(true);

    await first.close();
    const released = await rowsOf(jobs);
    // The 10 never called are pending again, not left to the reaper; the 2 aborted calls too.
    expect(released.filter((row) => row.status === 'pending')).toHaveLength(12);
    expect(released.filter((row) => row.status === 'pending' && row.replica_id === null).length).toBeGreaterThanOrEqual(
      10,
    );

    delayMs = 0;
    const second = await bed.start('q3');
    const done = await waitFor(async () => {
      const current = await rowsOf(jobs);
      return current.every((row) => row.status === 'succeeded') ? current : null;
    }, 15_000);
    expect(done.every((row) => row.replica_id === 'q3')).toBe(true);
    await sleep(200);
    const calls = sink.calls.filter((call) => call.path.startsWith('/drain/')).map((call) => call.path);
    // The 2 calls aborted at shutdown were sent twice (AT_LEAST_ONCE); the 10 queued ones once.
    expect(calls.length).toBeLessThanOrEqual(12 + 2);
    expect(new Set(calls).size).toBe(12);
    await second.close();
  }, 40_000);
});
