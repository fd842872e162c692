// The peers, each set up at its best for a burst of already-due jobs that POST to the sink:
// pg-boss (one worker, batchSize = concurrency, burst fetching), graphile-worker (localQueue,
// completeJobBatchDelay 0), BullMQ (one Worker with `concurrency`), and the ceiling: the same
// calls made by a plain loop with no job library at all.
import { Queue, Worker } from 'bullmq';
import { Logger as GraphileLogger, makeWorkerUtils, run as runGraphile } from 'graphile-worker';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { BENCH_DATABASE_URL, BENCH_REDIS_URL, callbackAgent, cpuMeter, deliver, sleep } from './harness.mjs';

const redisConnection = () => {
  const url = new URL(BENCH_REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
};

async function waitUntil(predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

export async function ceiling({ sink, total, concurrency }) {
  const agent = callbackAgent(concurrency);
  let next = 0;
  const cpu = cpuMeter({ client: () => [process.pid], sink: () => [sink.pid] });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await deliver(agent, sink.url, next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (process.env.BENCH_TIMELINE)
    console.log(`ceiling CPU during its ${Math.round(seconds * 1000)} ms (ms): ${JSON.stringify(cpu())}`);
  await agent.close();
  return { seconds, recorded: total };
}

export async function pgBoss({ sink, total, concurrency }) {
  // A fresh schema every run, as graphile-worker's: deleting the queue leaves its rows dead in
  // one shared job table, which grew to 1.7M dead tuples (346 MB) over a day of runs and took
  // pg-boss from ~5,000/s to ~1,000/s.
  const dropper = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await dropper.connect();
  await dropper.query('DROP SCHEMA IF EXISTS bench_pgboss CASCADE');
  await dropper.end();
  const boss = new PgBoss({ connectionString: BENCH_DATABASE_URL, schema: 'bench_pgboss', max: 10 });
  boss.on('error', (error) => console.error('[pg-boss]', error.message));
  await boss.start();
  const queue = 'burst';
  await boss.deleteQueue(queue).catch(() => undefined);
  await boss.createQueue(queue);
  for (let offset = 0; offset < total; offset += 5_000) {
    const jobs = Array.from({ length: Math.min(5_000, total - offset) }, (_, i) => ({ data: { id: offset + i } }));
    await boss.insert(queue, jobs);
  }
  const agent = callbackAgent(concurrency);
  let completed = 0;
  const started = performance.now();
  await boss.work(
    queue,
    { batchSize: concurrency, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
    async (jobs) => {
      await Promise.all(jobs.map((job) => deliver(agent, sink.url, job.data.id)));
      completed += jobs.length;
    },
  );
  const counter = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await counter.connect();
  // Delivered is not enough: the run ends when pg-boss has recorded every job as completed.
  await waitUntil(async () => {
    if (completed < total) return false;
    const { rows } = await counter.query(
      `SELECT count(*)::int AS n FROM bench_pgboss.job WHERE name = $1 AND state = 'completed'`,
      [queue],
    );
    return rows[0].n >= total;
  }, 300_000);
  const seconds = (performance.now() - started) / 1000;
  await counter.end();
  await boss.stop({ graceful: true, wait: true });
  await agent.close();
  return { seconds, recorded: completed };
}

export async function graphileWorker({ sink, total, concurrency }) {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  await client.query('DROP SCHEMA IF EXISTS bench_graphile CASCADE');
  await client.end();
  const preset = {
    worker: {
      connectionString: BENCH_DATABASE_URL,
      schema: 'bench_graphile',
      concurrentJobs: concurrency,
      maxPoolSize: 10,
      localQueue: { size: concurrency },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
      pollInterval: 500,
      // Its default logger prints a line per completed job, which would measure the console.
      logger: new GraphileLogger(() => (level, message) => {
        if (level === 'error') console.error('[graphile-worker]', message);
      }),
    },
  };
  const utils = await makeWorkerUtils({ preset });
  await utils.migrate();
  for (let offset = 0; offset < total; offset += 5_000) {
    const specs = Array.from({ length: Math.min(5_000, total - offset) }, (_, i) => ({
      identifier: 'deliver',
      payload: { id: offset + i },
    }));
    await utils.addJobs(specs);
  }
  const agent = callbackAgent(concurrency);
  let completed = 0;
  const started = performance.now();
  const runner = await runGraphile({
    preset,
    taskList: {
      deliver: async (payload) => {
        await deliver(agent, sink.url, payload.id);
        completed += 1;
      },
    },
    noHandleSignals: true,
  });
  const counter = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await counter.connect();
  await waitUntil(async () => {
    if (completed < total) return false;
    const { rows } = await counter.query('SELECT count(*)::int AS n FROM bench_graphile._private_jobs');
    return rows[0].n === 0;
  }, 300_000);
  const seconds = (performance.now() - started) / 1000;
  await counter.end();
  await runner.stop();
  await utils.release();
  await agent.close();
  return { seconds, recorded: completed };
}

export async function bullMq({ sink, total, concurrency }) {
  const queueName = `burst-${Date.now()}`;
  const queue = new Queue(queueName, { connection: redisConnection() });
  for (let offset = 0; offset < total; offset += 5_000) {
    const jobs = Array.from({ length: Math.min(5_000, total - offset) }, (_, i) => ({
      name: 'deliver',
      data: { id: offset + i },
      opts: { removeOnComplete: false },
    }));
    await queue.addBulk(jobs);
  }
  const agent = callbackAgent(concurrency);
  let completed = 0;
  const started = performance.now();
  const worker = new Worker(
    queueName,
    async (job) => {
      await deliver(agent, sink.url, job.data.id);
    },
    { connection: redisConnection(), concurrency },
  );
  worker.on('completed', () => (completed += 1));
  await waitUntil(async () => completed >= total, 300_000);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await agent.close();
  return { seconds, recorded: completed };
}
