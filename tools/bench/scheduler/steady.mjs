// Steady: S schedules each firing every second for D seconds, every fire POSTing to the
// same sink. Lateness = sink receive time - the occurrence's scheduled time. Counts missed
// and duplicated occurrences inside the measured window (the first and last 2 s are edges).
//   node tools/bench/scheduler/steady.mjs [--schedules 1000] [--seconds 60] [--only zer08,bullmq]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { BENCH_REDIS_URL, callbackAgent, percentile, printTable, sleep, startSink } from './harness.mjs';
import { zer08Steady } from './zer08.mjs';
import { request } from 'undici';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '200' },
    only: { type: 'string' },
  },
});
const schedules = Number(values.schedules);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

async function bullMqSteady({ sink }) {
  const url = new URL(BENCH_REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  const queueName = `steady-${Date.now()}`;
  const queue = new Queue(queueName, { connection });
  const agent = callbackAgent(concurrency);
  const worker = new Worker(
    queueName,
    async (job) => {
      // Job scheduler ids end with the occurrence's millis: repeat:<scheduler>:<millis>.
      const scheduledFor = Number(String(job.id).split(':').pop());
      const { body } = await request(sink.url, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          'x-bench-id': job.data.schedule,
          'x-bench-scheduled-for': String(scheduledFor),
        },
        body: JSON.stringify({ id: job.data.schedule }),
      });
      await body.dump();
    },
    { connection, concurrency, removeOnComplete: { count: 1000 } },
  );
  for (let i = 0; i < schedules; i += 1) {
    await queue.upsertJobScheduler(`s${i}`, { every: 1000 }, { name: 'tick', data: { schedule: `s${i}` } });
  }
  const windowStart = Date.now() + 2_000;
  await sleep(seconds * 1000 + 2_000);
  const windowEnd = Date.now() - 2_000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await agent.close();
  return { windowStart, windowEnd };
}

const contenders = [
  ['zer08', zer08Steady],
  ['bullmq (job schedulers, every 1000 ms)', bullMqSteady],
].filter(([name]) => !values.only || values.only.split(',').some((wanted) => name.startsWith(wanted)));

const sink = await startSink();
const rows = [];
for (const [name, run] of contenders) {
  await sink.reset();
  try {
    const { windowStart, windowEnd } = await run({ sink, schedules, seconds, concurrency });
    const { arrivals } = await sink.stats();
    const inWindow = arrivals.filter(([, , scheduledFor]) => scheduledFor >= windowStart && scheduledFor <= windowEnd);
    const lateness = inWindow.map(([receivedAt, , scheduledFor]) => receivedAt - scheduledFor).sort((a, b) => a - b);
    // BENCH_WORST=1: the seconds with the latest arrivals, to tell one slow call from a stalled instant.
    if (process.env.BENCH_WORST) {
      const bySecond = new Map();
      for (const [receivedAt, , scheduledFor] of inWindow) {
        const late = bySecond.get(scheduledFor) ?? [];
        late.push(receivedAt - scheduledFor);
        bySecond.set(scheduledFor, late);
      }
      const worst = [...bySecond].sort((a, b) => Math.max(...b[1]) - Math.max(...a[1])).slice(0, 5);
      for (const [at, late] of worst) console.log(new Date(at).toISOString(), late.sort((a, b) => a - b).join(' '));
    }
    const seen = new Set(inWindow.map(([, id, scheduledFor]) => `${id}@${scheduledFor}`));
    // Each schedule fires once a second (its own phase for BullMQ): per schedule, every
    // second between its first and last occurrence in the window must be there once; a
    // schedule with no fire at all in the window misses all of it.
    const bySchedule = new Map();
    for (const [, id, scheduledFor] of inWindow) {
      const times = bySchedule.get(id) ?? new Set();
      times.add(scheduledFor);
      bySchedule.set(id, times);
    }
    let expected = (schedules - bySchedule.size) * Math.floor((windowEnd - windowStart) / 1000);
    for (const times of bySchedule.values()) {
      const sorted = [...times].sort((a, b) => a - b);
      expected += Math.round((sorted.at(-1) - sorted[0]) / 1000) + 1;
    }
    rows.push({
      contender: name,
      schedules,
      'fires measured': inWindow.length,
      'p50 ms': percentile(lateness, 50),
      'p99 ms': percentile(lateness, 99),
      'max ms': lateness.at(-1),
      missed: Math.max(0, expected - seen.size),
      duplicated: inWindow.length - seen.size,
    });
  } catch (error) {
    rows.push({ contender: name, schedules, 'p50 ms': `error: ${error.message}` });
    console.error(name, error);
  }
}
await sink.stop();
printTable(
  `Steady: ${schedules} every-second schedules for ${seconds} s — node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`,
  rows,
  ['contender', 'schedules', 'fires measured', 'p50 ms', 'p99 ms', 'max ms', 'missed', 'duplicated'],
);
process.exit(0);
