// Recording results alone: N executions `running` for N jobs, their results appended
// through the build's own ExecutionsRepository.writeResults in batches (what a burst pays
// while its calls go on), then folded into the executions by foldResults (what it pays
// after), each timed with the Postgres server's CPU. Each round writes a fresh set; the
// first round pays for cold pages.
//   node tools/bench/scheduler/result-writes.mjs [--jobs 20000] [--batch 1000] [--rounds 4]
//   BENCH_MAIN=/other/build/dist/api/apps/api/src/main.js … measures another build (A/B;
//   a build without foldResults wrote results in place: its fold column stays empty)
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createBenchDatabase, insertJobs, startReplica } from './cluster.mjs';
import { cpuMeter, postgresPids } from './harness.mjs';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '4' },
  },
});
const [jobs, batch, rounds] = [values.jobs, values.batch, values.rounds].map(Number);
const require = createRequire(import.meta.url);
const build = process.env.BENCH_MAIN ? dirname(process.env.BENCH_MAIN) : resolve('dist/api/apps/api/src');
const { ExecutionsRepository } = require(resolve(build, 'scheduler/executions.repository.js'));

/** Runs `work` and returns its wall time and the Postgres server's CPU time, in ms. */
async function timed(work) {
  const postgresCpu = cpuMeter({ postgres: postgresPids });
  const started = performance.now();
  const result = await work();
  return { result, ms: Math.round(performance.now() - started), cpuMs: postgresCpu().postgres };
}

const database = await createBenchDatabase();
try {
  // A replica with the scheduler off applies the build's migrations, then goes.
  const replica = await startReplica(database.url, { SCHEDULER_ENABLED: 'false' });
  await replica.stop();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const far = '2030-01-01T00:00:00Z';
  await insertJobs(client, {
    count: jobs,
    schedule: { kind: 'once', at: far },
    nextRunAt: far,
    url: 'http://127.0.0.1:9/hook',
  });
  const repository = new ExecutionsRepository({
    query: (sql, params) => client.query(sql, params).then((result) => result.rows),
  });
  for (let round = 1; round <= rounds; round++) {
    const { rows } = await client.query(
      `INSERT INTO executions (job_id, scheduled_for, attempt, trigger, status, available_at, started_at, lease_expires_at, replica_id, leader_epoch)
       SELECT id, $1::timestamptz + $2 * interval '1 second', 1, 'schedule', 'running', now(), date_trunc('milliseconds', now()),
              now() + interval '1 hour', 'bench', 1
       FROM jobs RETURNING id, job_id, scheduled_for, started_at`,
      [far, round],
    );
    await client.query('VACUUM ANALYZE');
    const finished = rows.map((row) => ({
      execution: {
        id: row.id,
        jobId: row.job_id,
        scheduledFor: row.scheduled_for,
        attempt: 1,
        startedAt: row.started_at,
      },
      outcome: { status: 'succeeded', finishedAt: new Date(), durationMs: 3, httpStatus: 200, responseExcerpt: 'ok' },
      retryDelayMs: null,
    }));
    const write = await timed(async () => {
      let written = 0;
      for (let i = 0; i < finished.length; i += batch)
        written += await repository.writeResults('bench', finished.slice(i, i + batch));
      return written;
    });
    const fold = repository.foldResults
      ? await timed(async () => {
          let folded = 0;
          for (let taken = -1; taken !== 0;) folded += taken = await repository.foldResults(5_000);
          return folded;
        })
      : null;
    const [{ succeeded }] = (
      await client.query(
        `SELECT count(*)::int AS succeeded FROM executions WHERE status = 'succeeded' AND scheduled_for = $1::timestamptz + $2 * interval '1 second'`,
        [far, round],
      )
    ).rows;
    console.log(
      `round ${round}: ${write.result} results recorded in ${write.ms} ms (Postgres CPU ${write.cpuMs} ms)` +
        (fold ? `, folded in ${fold.ms} ms (Postgres CPU ${fold.cpuMs} ms)` : '') +
        `; ${succeeded} executions succeeded`,
    );
  }
  await client.end();
} finally {
  await database.drop();
}
