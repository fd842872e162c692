// Burst: N jobs due at the same moment, each POSTing to the same local sink. Reports
// callbacks delivered AND recorded per second for every contender, in one run.
//   node tools/bench/scheduler/burst.mjs [--total 20000] [--concurrency 200] [--only zer08,ceiling]
import { parseArgs } from 'node:util';
import os from 'node:os';
import { startSink, printTable } from './harness.mjs';
import { bullMq, ceiling, graphileWorker, pgBoss } from './peers.mjs';
import { recordingFloor } from './recording-floor.mjs';
import { zer08Burst } from './zer08.mjs';

const { values } = parseArgs({
  options: {
    total: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '200' },
    only: { type: 'string' },
  },
});
const total = Number(values.total);
const concurrency = Number(values.concurrency);
const contenders = [
  ['ceiling (undici, no library)', ceiling],
  ['recording floor (ceiling + signature + ZER08 result writes)', recordingFloor],
  ['zer08', zer08Burst],
  ['graphile-worker 0.18', graphileWorker],
  ['pg-boss 12', pgBoss],
  ['bullmq (Redis)', bullMq],
].filter(([name]) => !values.only || values.only.split(',').some((wanted) => name.startsWith(wanted)));

const sink = await startSink();
const rows = [];
for (const [name, run] of contenders) {
  await sink.reset();
  try {
    const { seconds, recorded } = await run({ sink, total, concurrency });
    const stats = await sink.stats();
    const ids = new Set(stats.arrivals.map(([, id]) => id));
    rows.push({
      contender: name,
      'jobs': total,
      'delivered': stats.count,
      'duplicates': stats.count - ids.size,
      'recorded': recorded,
      'seconds': seconds.toFixed(2),
      'per second': Math.round(total / seconds),
    });
    console.log(`${name}: ${Math.round(total / seconds)}/s`);
  } catch (error) {
    rows.push({ contender: name, jobs: total, 'per second': `error: ${error.message}` });
    console.error(name, error);
  }
}
await sink.stop();
const ceilingRow = rows.find((row) => row.contender.startsWith('ceiling'));
for (const row of rows) {
  if (ceilingRow && typeof row['per second'] === 'number') {
    row['% of ceiling'] = `${Math.round((100 * row['per second']) / ceilingRow['per second'])}%`;
  }
}
printTable(
  `Burst: ${total} due jobs, concurrency ${concurrency} — node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`,
  rows,
  ['contender', 'jobs', 'delivered', 'duplicates', 'recorded', 'seconds', 'per second', '% of ceiling'],
);
process.exit(0);
