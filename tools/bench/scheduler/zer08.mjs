// ZER08 as a contender: real replica processes (cluster.mjs) on a fresh database, jobs
// inserted in one statement, every fire POSTing to the shared sink.
import pg from 'pg';
import { sleep } from './harness.mjs';
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

/** Burst: `total` once-jobs all due at the same instant T; clock runs from T to the last recorded result. */
export async function zer08Burst({ sink, total, concurrency }) {
  return withDatabase(async (database, client) => {
    const replica = await startReplica(database.url, { WORKER_CONCURRENCY: String(concurrency) });
    try {
      await client.connect();
      const dueAt = new Date(Math.ceil((Date.now() + 4_000) / 1000) * 1000);
      await insertJobs(client, {
        count: total,
        schedule: { kind: 'once', at: dueAt.toISOString() },
        nextRunAt: dueAt.toISOString(),
        url: sink.url,
      });
      for (;;) {
        const {
          rows: [row],
        } = await client.query(
          `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS done, max(finished_at) AS last FROM executions`,
        );
        if (row.done >= total) {
          return { seconds: (new Date(row.last).getTime() - dueAt.getTime()) / 1000, recorded: row.done };
        }
        if (Date.now() - dueAt.getTime() > 300_000) throw new Error(`only ${row.done} of ${total} recorded after 300 s`);
        await sleep(50);
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
