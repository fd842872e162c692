import { Client } from 'pg';
import { ReplicaBed, Sink, sleep, startReplicaBed, waitFor } from './scheduler.test-fixtures';

interface Row {
  job_id: string;
  name: string;
  status: string;
  replica_id: string | null;
  created_ms: number;
}

/**
 * Many jobs due at one instant: the leader starts firing them earlier than the usual
 * fireAheadMs (250 ms), as early as it expects firing them all to take, and holds every
 * call until the instant. A replica alone keeps the whole burst in its local queue and
 * gives the excess back when another replica starts dispatching.
 */
describe('scheduler: bursts', () => {
  let bed: ReplicaBed;
  let sink: Sink;
  let db: Client;
  let ownerId: string;
  let delayMs = 0;

  /** `count` once-jobs named `${prefix}-<i>` due at `at`, in one statement. */
  const burstJobs = async (
    prefix: string,
    count: number,
    at: Date,
    options: { concurrency?: string; executionType?: string } = {},
  ) => {
    await db.query(
      `INSERT INTO jobs (owner_id, name, schedule, target, execution_type, concurrency, max_attempts, signing_secret, next_run_at)
       SELECT $1, $2 || '-' || i, jsonb_build_object('kind', 'once', 'at', $3::text),
              jsonb_build_object('kind', 'http', 'method', 'POST', 'url', $4 || '/' || $2 || '/' || i, 'timeoutMs', 30000),
              $5, $6, 1, 'test-signing-secret', $3::timestamptz
       FROM generate_series(1, $7::int) AS i`,
      [
        ownerId,
        prefix,
        at.toISOString(),
        sink.url,
        options.executionType ?? 'AT_LEAST_ONCE',
        options.concurrency ?? 'allow',
        count,
      ],
    );
    await db.query(`SELECT pg_notify('zer08_jobs_changed', '')`);
  };
  const rowsOf = async (prefix: string) =>
    (
      await db.query<Row>(
        `SELECT e.job_id, j.name, e.status, e.replica_id, extract(epoch FROM e.created_at) * 1000 AS created_ms
         FROM executions e JOIN jobs j ON j.id = e.job_id WHERE j.name LIKE $1 || '-%'`,
        [prefix],
      )
    ).rows.map((row) => ({ ...row, created_ms: Number(row.created_ms) }));
  const callsTo = (prefix: string) => sink.calls.filter((call) => call.path.startsWith(`/${prefix}/`));
  const nextWholeSecondAfter = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 1000) * 1000);

  beforeAll(async () => {
    bed = await startReplicaBed();
    ({ sink, db, ownerId } = bed);
    sink.respond = (_call, res) => setTimeout(() => res.writeHead(200).end('ok'), delayMs);
  });

  afterAll(() => bed?.close());

  it('fires 8,000 jobs sharing an instant early, calls none before it; forbid and AT_MOST_ONCE jobs wait for the usual window', async () => {
    const replica = await bed.start('b1');
    try {
      await burstOfEightThousand();
    } finally {
      await replica.close();
    }
  }, 90_000);

  /**
   * The replica, the sink and this test share one event loop: on a starved machine a call
   * can wait seconds for its answer, so the jobs' timeout is 30 s (a timed-out call is not
   * retried here: max_attempts 1), and the wait is for every execution to have ended.
   */
  const burstOfEightThousand = async () => {
    const at = nextWholeSecondAfter(3_000);
    await burstJobs('burst', 8_000, at);
    await burstJobs('forbid', 3, at, { concurrency: 'forbid' });
    await burstJobs('amo', 3, at, { executionType: 'AT_MOST_ONCE' });

    const ended = (rows: Row[], count: number) =>
      rows.length === count && rows.every((row) => row.status !== 'pending' && row.status !== 'running') ? rows : null;
    const burst = await waitFor(async () => ended(await rowsOf('burst'), 8_000), 60_000);
    const guarded = await waitFor(
      async () => ended([...(await rowsOf('forbid')), ...(await rowsOf('amo'))], 6),
      20_000,
    );
    expect([...burst, ...guarded].filter((row) => row.status !== 'succeeded')).toEqual([]);

    const dueMs = at.getTime();
    // 8,000 jobs at the initial estimate (0.12 ms a job, half again as margin) start 1.44 s
    // early; jobs that may not be fired early start at the usual 250 ms.
    expect(Math.min(...burst.map((row) => row.created_ms))).toBeLessThan(dueMs - 350);
    expect(Math.min(...guarded.map((row) => row.created_ms))).toBeGreaterThan(dueMs - 350);

    const calls = [...callsTo('burst'), ...callsTo('forbid'), ...callsTo('amo')];
    expect(calls).toHaveLength(8_006);
    expect(new Set(calls.map((call) => call.path)).size).toBe(8_006);
    expect(Math.min(...calls.map((call) => call.receivedAt))).toBeGreaterThanOrEqual(dueMs);
    expect(burst.every((row) => row.replica_id === 'b1')).toBe(true);
  };

  it('a replica alone queues a whole burst; when another starts dispatching, the excess goes back to pending and each job runs once', async () => {
    const first = await bed.start('b2', { WORKER_CONCURRENCY: '2' });
    delayMs = 200;
    const at = nextWholeSecondAfter(1_500);
    await burstJobs('rebalance', 120, at);
    // Alone: all 120 are handed to b2 (2 slots, 118 queued), none left pending.
    const fired = await waitFor(async () => {
      const rows = await rowsOf('rebalance');
      return rows.length === 120 ? rows : null;
    }, 10_000);
    expect(fired.every((row) => row.status === 'running' && row.replica_id === 'b2')).toBe(true);

    const second = await bed.start('b3', { WORKER_CONCURRENCY: '20' });
    const done = await waitFor(async () => {
      const rows = await rowsOf('rebalance');
      return rows.every((row) => row.status === 'succeeded') ? rows : null;
    }, 30_000);
    // b2 (2 slots, 200 ms a call) alone would need 12 s; b3 took over most of the queue.
    expect(done.filter((row) => row.replica_id === 'b3').length).toBeGreaterThan(60);
    await sleep(300);
    const calls = callsTo('rebalance').map((call) => call.path);
    expect(calls).toHaveLength(120);
    expect(new Set(calls).size).toBe(120);
    delayMs = 0;
    await first.close();
    await second.close();
  }, 60_000);
});
