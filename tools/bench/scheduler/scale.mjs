// Scale: a steady run (every-second schedules) on a replica whose database also holds
// 1,000,000 stored active jobs that are not due. Reports lateness as in steady.mjs plus the
// replica's resident memory (RSS) sampled from /metrics during the run.
//   node tools/bench/scheduler/scale.mjs [--stored 1000000] [--schedules 1000] [--seconds 30]
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { percentile, printTable, sleep, startSink } from './harness.mjs';
import { createBenchDatabase, insertJobs, startReplica } from './cluster.mjs';

const { values } = parseArgs({
  options: {
    stored: { type: 'string', default: '1000000' },
    schedules: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
  },
});
const stored = Number(values.stored);
const schedules = Number(values.schedules);
const seconds = Number(values.seconds);

async function rssBytes(replica) {
  const text = await (await fetch(`${replica.base}/metrics`)).text();
  return Number(/^zer08_process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? NaN);
}

const sink = await startSink();
const rows = [];
for (const storedJobs of [0, stored]) {
  const database = await createBenchDatabase();
  const client = new pg.Client({ connectionString: database.url });
  const replica = await startReplica(database.url, { WORKER_CONCURRENCY: '200' });
  try {
    await client.connect();
    if (storedJobs > 0) {
      const started = performance.now();
      // Not due for a year: the index keeps them out of every fire query.
      for (let offset = 0; offset < storedJobs; offset += 250_000) {
        await insertJobs(client, {
          count: Math.min(250_000, storedJobs - offset),
          schedule: { kind: 'cron', expression: '0 0 0 1 1 *' },
          nextRunAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
          url: sink.url,
        });
      }
      // Measure the steady state, not autovacuum's first pass over a freshly loaded table.
      await client.query('VACUUM (ANALYZE) jobs');
      // And not the load's own aftermath: the ~1 GB of WAL it wrote otherwise sets off a
      // checkpoint that writes for a minute, inside the measured window (seen in Postgres' log).
      await client
        .query('CHECKPOINT')
        .catch((error) => console.warn(`CHECKPOINT: ${error.message} (needs superuser or pg_checkpoint)`));
      console.log(`stored ${storedJobs} jobs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    await sink.reset();
    const firstFire = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000);
    await insertJobs(client, {
      count: schedules,
      schedule: { kind: 'cron', expression: '* * * * * *' },
      nextRunAt: firstFire.toISOString(),
      url: sink.url,
    });
    const windowStart = firstFire.getTime() + 2_000;
    let peakRss = 0;
    const end = firstFire.getTime() + seconds * 1000 + 2_000;
    while (Date.now() < end) {
      peakRss = Math.max(peakRss, await rssBytes(replica));
      await sleep(1_000);
    }
    const windowEnd = Date.now() - 2_000;
    const { arrivals } = await sink.stats();
    const inWindow = arrivals.filter(([, , scheduledFor]) => scheduledFor >= windowStart && scheduledFor <= windowEnd);
    const lateness = inWindow.map(([receivedAt, , scheduledFor]) => receivedAt - scheduledFor).sort((a, b) => a - b);
    const seen = new Set(inWindow.map(([, id, scheduledFor]) => `${id}@${scheduledFor}`));
    const expectedSeconds = new Set(inWindow.map(([, , scheduledFor]) => scheduledFor)).size;
    rows.push({
      'stored jobs': storedJobs.toLocaleString('en-US'),
      schedules,
      fires: inWindow.length,
      'p50 ms': percentile(lateness, 50),
      'p99 ms': percentile(lateness, 99),
      'max ms': lateness.at(-1),
      missed: schedules * expectedSeconds - seen.size,
      duplicated: inWindow.length - seen.size,
      'peak RSS MB': Math.round(peakRss / 1024 / 1024),
    });
  } finally {
    await replica.stop();
    await client.end().catch(() => undefined);
    await database.drop();
  }
}
await sink.stop();
printTable(
  `Scale: ${schedules} every-second schedules for ${seconds} s beside N stored jobs — node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`,
  rows,
  ['stored jobs', 'schedules', 'fires', 'p50 ms', 'p99 ms', 'max ms', 'missed', 'duplicated', 'peak RSS MB'],
);
process.exit(0);
