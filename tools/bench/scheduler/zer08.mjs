// ZER08 as a contender: real replica processes (cluster.mjs) on a fresh database, jobs
// inserted in one statement, every fire POSTing to the shared sink.
import pg from 'pg';
import { cpuMeter, postgresPids, sleep } from './harness.mjs';
import { createBenchDatabase, insertJobs, startReplica } from './cluster.mjs';

async function withDatabase(work) {
  const database = await createBenchDatabase();
  const client = new pg.Client({ connectionString: database.url });
  try {
    return await work(database, client);
  } finally {
    await client.end().catch(() => undefined);
    await database.drop();
  }
}

/** BENCH_TIMELINE=1: when executions were created, started and finished, in ms from the due instant. */
async function printTimeline(client, dueAt) {
  const { rows } = await client.query(
    `SELECT kind, count(*)::int AS n,
            round(min(ms))::int AS min, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::int AS p50,
            round(percentile_cont(0.9) WITHIN GROUP (ORDER BY ms))::int AS p90, round(max(ms))::int AS max
     FROM ${await executionsRead(client)} e,
          LATERAL (VALUES ('created', e.created_at), ('started', e.started_at), ('finished', e.finished_at)) v(kind, at),
          LATERAL (SELECT extract(epoch FROM v.at - $1::timestamptz) * 1000 AS ms) m
     WHERE e.scheduled_for = $1::timestamptz
     GROUP BY kind ORDER BY min`,
    [dueAt.toISOString()],
  );
  console.table(rows);
}

/**
 * How many executions of the occurrence at `dueAt` have succeeded, and when the last one
 * finished, as the API reads them (executions_current: results in the log or folded).
 */
async function succeededAt(client, dueAt) {
  const { rows } = await client.query(
    `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS done, max(finished_at) AS last
     FROM ${await executionsRead(client)} WHERE scheduled_for = $1`,
    [dueAt],
  );
  return rows[0];
}

/** What the API reads executions from: the view over the result log, or (a build from before it, BENCH_MAIN) the table. */
async function executionsRead(client) {
  client.executionsRead ??= (await client.query(`SELECT to_regclass('executions_current') IS NOT NULL AS view`)).rows[0]
    .view
    ? 'executions_current'
    : 'executions';
  return client.executionsRead;
}

/**
 * An untimed burst of `count` once-jobs, recorded before the timed one: the in-process
 * contenders get a warm-up pass (burst.mjs), and a replica that has run for a while has its
 * call path compiled and its fire cost measured; a fresh one has neither.
 */
async function warmUpBurst(client, sink, count) {
  const dueAt = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000);
  await insertJobs(client, {
    count,
    schedule: { kind: 'once', at: dueAt.toISOString() },
    nextRunAt: dueAt.toISOString(),
    url: sink.url,
  });
  for (;;) {
    const row = await succeededAt(client, dueAt);
    if (row.done >= count) break;
    if (Date.now() - dueAt.getTime() > 60_000) throw new Error(`warm-up: only ${row.done} of ${count} recorded`);
    await sleep(100);
  }
  await sink.reset();
}

/**
 * Burst: `total` once-jobs all due at the same instant T; clock runs from T to the last
 * recorded result. `warmUp` (burst.mjs, unless --no-warmup): a 2,000-job burst first.
 */
export async function zer08Burst({ sink, total, concurrency, warmUp = false }) {
  return withDatabase(async (database, client) => {
    const replica = await startReplica(database.url, { WORKER_CONCURRENCY: String(concurrency) });
    try {
      await client.connect();
      if (warmUp) await warmUpBurst(client, sink, Math.min(2_000, total));
      const dueAt = new Date(Math.ceil((Date.now() + 8_000) / 1000) * 1000);
      await insertJobs(client, {
        count: total,
        schedule: { kind: 'once', at: dueAt.toISOString() },
        nextRunAt: dueAt.toISOString(),
        url: sink.url,
      });
      let cpuSinceDue = null;
      for (;;) {
        if (cpuSinceDue === null && Date.now() >= dueAt.getTime() - 300) {
          cpuSinceDue = cpuMeter({ replica: () => [replica.pid], postgres: postgresPids, sink: () => [sink.pid] });
        }
        // Like the peers' runs: ask the database only once every call has arrived, so the
        // harness does not load Postgres (a count over the executions every 20 ms) mid-run.
        if ((await sink.count()) < total) {
          if (Date.now() - dueAt.getTime() > 300_000)
            throw new Error(`only ${await sink.count()} of ${total} delivered after 300 s`);
          await sleep(20);
          continue;
        }
        const row = await succeededAt(client, dueAt);
        if (row.done >= total) {
          // As for the peers, the clock stops when every result is seen committed (polled every
          // 20 ms), not at the last call's end: recording is part of the work measured.
          const seenRecordedAt = Date.now();
          if (process.env.BENCH_TIMELINE) {
            const cpu = cpuSinceDue();
            await printTimeline(client, dueAt);
            console.log(`CPU from 300 ms before T until every result was seen recorded (ms): ${JSON.stringify(cpu)}`);
            console.log(
              `last call finished at T + ${new Date(row.last).getTime() - dueAt.getTime()} ms, every result seen recorded at T + ${seenRecordedAt - dueAt.getTime()} ms`,
            );
          }
          return { seconds: (seenRecordedAt - dueAt.getTime()) / 1000, recorded: row.done };
        }
        if (Date.now() - dueAt.getTime() > 300_000)
          throw new Error(`only ${row.done} of ${total} recorded after 300 s`);
        await sleep(20);
      }
    } finally {
      await replica.stop();
    }
  });
}

/** Steady: `schedules` every-second cron jobs for `seconds` on one replica. */
export async function zer08Steady({ sink, schedules, seconds, concurrency }) {
  return withDatabase(async (database, client) => {
    const replica = await startReplica(database.url, { WORKER_CONCURRENCY: String(concurrency) });
    try {
      await client.connect();
      const firstFire = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000);
      await insertJobs(client, {
        count: schedules,
        schedule: { kind: 'cron', expression: '* * * * * *' },
        nextRunAt: firstFire.toISOString(),
        url: sink.url,
      });
      const windowStart = firstFire.getTime() + 2_000;
      await sleep(firstFire.getTime() - Date.now() + seconds * 1000 + 2_000);
      const windowEnd = Date.now() - 2_000;
      return { windowStart, windowEnd };
    } finally {
      await replica.stop();
    }
  });
}
