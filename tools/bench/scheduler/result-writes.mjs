// The result statement alone: N executions `running` for N jobs, finished through the
// build's own ExecutionsRepository.writeResults in batches, timed with the Postgres
// server's CPU. Each round writes a fresh set; the first round pays for cold pages.
//   node tools/bench/scheduler/result-writes.mjs [--jobs 20000] [--batch 1000] [--rounds 4]
//   BENCH_MAIN=/other/build/dist/api/apps/api/src/main.js … measures another build (A/B)
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

const database = await createBenchDatabase();
try {
  // A replica with the scheduler off applies the build's migrations, then goes.
  const replica = await startReplica(database.url, { SCHEDULER_ENABLED: 'false' });
  await replica.stop();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const far = '2030-01-01T00:00:00Z';
  await insertJobs(client, { count: jobs, schedule: { kind: 'once', at: far }, nextRunAt: far, url: 'http://127.0.0.1:9/hook' });
  const repository = new ExecutionsRepository({ query: (sql, params) => client.query(sql, params).then((result) => result.rows) });
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
      execution: { id: row.id, jobId: row.job_id, scheduledFor: row.scheduled_for, attempt: 1, startedAt: row.started_at },
      outcome: { status: 'succeeded', finishedAt: new Date(), durationMs: 3, httpStatus: 200, responseExcerpt: 'ok' },
      retryDelayMs: null,
    }));
    const postgresCpu = cpuMeter({ postgres: postgresPids });
    const started = performance.now();
    let written = 0;
    for (let i = 0; i < finished.length; i += batch) written += await repository.writeResults('bench', finished.slice(i, i + batch));
    const ms = Math.round(performance.now() - started);
    console.log(`round ${round}: ${written} results in ${ms} ms, Postgres CPU ${postgresCpu().postgres} ms`);
  }
  await client.end();
} finally {
  await database.drop();
}
