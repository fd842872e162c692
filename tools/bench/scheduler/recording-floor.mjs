// The recording floor: the ceiling's own loop (undici `request`, no job library, no firing,
// no leases) that also does what DESIGN.md asks of every delivery: an HMAC signature, and
// the result recorded by ZER08's own statement (ExecutionsRepository.writeResults of the
// build under test: appended to the result log, folded later; the clock stops when every
// result is appended, as ZER08's does when every result is visible). Set beside the
// ceiling, it shows what share of the ceiling recording alone costs on this machine,
// whatever the scheduler around it.
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { callbackAgent, deliver, sleep } from './harness.mjs';
import { createBenchDatabase, insertJobs } from './cluster.mjs';

const REPLICA_ID = 'recording-floor';
const MAX_RESULTS_PER_WRITE = 2_000;

function buildModule(path) {
  const require = createRequire(import.meta.url);
  const root = process.env.BENCH_MAIN ? dirname(process.env.BENCH_MAIN) : 'dist/api/apps/api/src';
  return require(resolve(root, path));
}

function migrate(databaseUrl) {
  const root = process.env.BENCH_MAIN ? dirname(process.env.BENCH_MAIN) : 'dist/api/apps/api/src';
  const run = spawnSync(process.execPath, [resolve(root, 'cli/migrate.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789' },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`migrations failed: ${run.stderr}`);
}

export async function recordingFloor({ sink, total, concurrency }) {
  const database = await createBenchDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // An idle client ended by the database's forced drop must not crash the whole harness
  // (seen once in a 5-round run: "terminating connection due to administrator command").
  pool.on('error', (error) => console.error(`[recording floor] idle client: ${error.message}`));
  try {
    migrate(database.url);
    await insertJobs(pool, {
      count: total,
      schedule: { kind: 'once', at: new Date().toISOString() },
      nextRunAt: null,
      status: 'completed',
      url: sink.url,
    });
    const { rows: work } = await pool.query(
      `INSERT INTO executions (job_id, scheduled_for, status, started_at, replica_id, lease_expires_at, leader_epoch)
       SELECT id, date_trunc('second', now()), 'running', date_trunc('milliseconds', now()), $1, now() + interval '10 minutes', 1
       FROM jobs
       RETURNING id, job_id, scheduled_for, started_at`,
      [REPLICA_ID],
    );
    const { ExecutionsRepository } = buildModule('scheduler/executions.repository.js');
    const repository = new ExecutionsRepository({ query: async (sql, params) => (await pool.query(sql, params)).rows });
    const secret = randomBytes(16).toString('hex');
    const agent = callbackAgent(concurrency);

    // One flusher, a few ms of coalescing, at most 2,000 results a statement: as ZER08's workers write.
    const results = [];
    let written = 0;
    let flushing = null;
    let timer = null;
    const flush = () => {
      timer = null;
      if (flushing || results.length === 0) return;
      const batch = results.splice(0, MAX_RESULTS_PER_WRITE);
      flushing = repository.writeResults(REPLICA_ID, batch).then((count) => {
        written += count;
        flushing = null;
        if (results.length > 0) scheduleFlush();
      });
    };
    const scheduleFlush = () => {
      if (!timer && !flushing) timer = setTimeout(flush, 5);
    };

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const row = work[next++];
          const callStarted = performance.now();
          const body = JSON.stringify({ id: row.id });
          const timestamp = Math.floor(Date.now() / 1000);
          await deliver(agent, sink.url, row.id, {
            body,
            headers: {
              'idempotency-key': `${row.job_id}:${row.scheduled_for.toISOString()}`,
              'x-zer08-timestamp': String(timestamp),
              'x-zer08-signature': `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
            },
          });
          const finished = performance.now();
          results.push({
            execution: { id: row.id, jobId: row.job_id, startedAt: row.started_at },
            outcome: {
              status: 'succeeded',
              finishedAt: new Date(),
              durationMs: Math.round(finished - callStarted),
              httpStatus: 200,
              responseExcerpt: 'ok',
            },
            retryDelayMs: null,
          });
          scheduleFlush();
        }
      }),
    );
    while (results.length > 0 || flushing || timer) {
      if (!flushing) flush();
      await (flushing ?? sleep(5));
    }
    const recordedAt = performance.now();
    await agent.close();
    if (written !== total) throw new Error(`only ${written} of ${total} results written`);
    return { seconds: (recordedAt - started) / 1000, recorded: written };
  } finally {
    await pool.end();
    await database.drop();
  }
}
