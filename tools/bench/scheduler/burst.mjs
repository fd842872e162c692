// Burst: N jobs due at the same moment, each POSTing to the same local sink. Reports
// callbacks delivered AND recorded per second for every contender, in one run.
//   node tools/bench/scheduler/burst.mjs [--total 20000] [--concurrency 200] [--rounds 3] [--no-warmup] [--only zer08,ceiling]
//   --builds /a/dist/api/apps/api/src/main.js,/b/…/main.js: an A/B, one ZER08 contender per build, interleaved
//     (a build may carry Node flags after its path: "/a/…/main.js --max-semi-space-size=32")
// `% of ceiling` is the median over rounds of (ceiling's time / contender's time), the ceiling's time
// being the mean of its runs just before and just after that contender in the same round.
import { parseArgs } from 'node:util';
import os from 'node:os';
import { percentile, startSink, printTable } from './harness.mjs';
import { bullMq, ceiling, graphileWorker, pgBoss } from './peers.mjs';
import { recordingFloor } from './recording-floor.mjs';
import { zer08Burst } from './zer08.mjs';

const { values } = parseArgs({
  options: {
    total: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '200' },
    only: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    'no-warmup': { type: 'boolean', default: false },
    builds: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const total = Number(values.total);
const concurrency = Number(values.concurrency);
/**
 * ZER08 replicas started from another build (`main.js` of its dist), as BENCH_MAIN does;
 * Node flags after the path (`main.js --max-semi-space-size=32`) start that contender's
 * replicas with them, as BENCH_NODE_ARGS does.
 */
const zer08Build = (build) => (options) => {
  const [main, ...nodeArgs] = build.split(' ').filter(Boolean);
  const saved = process.env.BENCH_NODE_ARGS;
  process.env.BENCH_MAIN = main;
  if (nodeArgs.length > 0) process.env.BENCH_NODE_ARGS = [saved ?? '', ...nodeArgs].join(' ').trim();
  return zer08Burst(options).finally(() => {
    delete process.env.BENCH_MAIN;
    if (saved === undefined) delete process.env.BENCH_NODE_ARGS;
    else process.env.BENCH_NODE_ARGS = saved;
  });
};
const builds = values.builds?.split(',') ?? [];
const contenders = [
  ['ceiling (undici, no library)', ceiling],
  ['recording floor (ceiling + signature + ZER08 result append)', recordingFloor],
  ...(builds.length > 0
    ? builds.map((main, i) => [`zer08 ${'ABCDEFGH'[i]} (${main})`, zer08Build(main)])
    : [['zer08', zer08Burst]]),
  ['graphile-worker 0.18', graphileWorker],
  ['pg-boss 12', pgBoss],
  ['bullmq (Redis)', bullMq],
].filter(([name]) => !values.only || values.only.split(',').some((wanted) => name.startsWith(wanted)));

const sink = await startSink();
// The peers, the ceiling and the floor run inside this process: one untimed small pass each
// first, so no round times their JIT warm-up. A ZER08 replica is a fresh process every
// round: it runs an untimed 2,000-job burst of its own first (zer08.mjs).
const warmUp = !values['no-warmup'];
if (warmUp) {
  for (const [name, run] of contenders) {
    if (name.startsWith('zer08')) continue;
    await sink.reset();
    await run({ sink, total: Math.min(2_000, total), concurrency });
  }
}
// Every contender once per round, rounds one after another: a slow stretch of the machine
// then lands on all of them, and each is reported by its median round. The ceiling runs
// first and again after every other contender: each contender is compared with the mean
// of the ceiling runs just before and just after it, since this machine's speed drifts
// within a round (a ZER08 round takes ~20 s with its replica's start and warm-up).
const ceilingName = contenders.find(([name]) => name.startsWith('ceiling'))?.[0];
const runs = new Map(contenders.map(([name]) => [name, []]));
/** Per contender and round: the mean time of the ceiling runs around it (null if one failed). */
const ceilingAround = new Map(contenders.map(([name]) => [name, []]));
async function timedRun(name, run, round) {
  await sink.reset();
  try {
    const { seconds, recorded } = await run({ sink, total, concurrency, warmUp });
    const stats = await sink.stats();
    const ids = new Set(stats.arrivals.map(([, id]) => id));
    const result = { round, seconds, recorded, delivered: stats.count, duplicates: stats.count - ids.size };
    runs.get(name).push(result);
    console.log(`round ${round}, ${name}: ${Math.round(total / seconds)}/s`);
    return result;
  } catch (error) {
    runs.get(name).push({ round, error: error.message });
    console.error(name, error);
    return null;
  }
}
for (let round = 1; round <= rounds; round++) {
  let ceilingBefore = null;
  for (const [name, run] of contenders) {
    const result = await timedRun(name, run, round);
    if (name === ceilingName) {
      ceilingBefore = result;
      continue;
    }
    if (!ceilingName) continue;
    const ceilingAfter = await timedRun(ceilingName, ceiling, round);
    ceilingAround
      .get(name)
      .push(ceilingBefore && ceilingAfter && result ? (ceilingBefore.seconds + ceilingAfter.seconds) / 2 : null);
    ceilingBefore = ceilingAfter;
  }
}
await sink.stop();

/** The middle value (the lower of the two middle ones for an even count). */
const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const rows = contenders.map(([name]) => {
  const done = runs.get(name).filter((run) => !run.error);
  if (done.length < runs.get(name).length || done.length === 0)
    return { contender: name, jobs: total, 'per second': `error: ${runs.get(name).find((run) => run.error)?.error}` };
  const rates = done.map((run) => Math.round(total / run.seconds));
  // The ceiling runs several times a round: its round figure is that round's median.
  const roundRates = Array.from({ length: rounds }, (_, i) =>
    Math.round(median(done.filter((run) => run.round === i + 1).map((run) => total / run.seconds))),
  );
  return {
    contender: name,
    jobs: total,
    delivered: Math.min(...done.map((run) => run.delivered)),
    duplicates: Math.max(...done.map((run) => run.duplicates)),
    recorded: Math.min(...done.map((run) => run.recorded)),
    'per second': Math.round(median(rates)),
    rounds: roundRates.join(' / '),
  };
});
for (const row of rows) {
  if (row.contender === ceilingName && typeof row['per second'] === 'number') row['% of ceiling'] = '100%';
  const around = ceilingAround.get(row.contender);
  if (row.contender !== ceilingName && around?.length === rounds && around.every((seconds) => seconds !== null)) {
    const ratios = runs.get(row.contender).map((run, i) => around[i] / run.seconds);
    row['% of ceiling'] =
      `${Math.round(100 * median(ratios))}% (${ratios.map((ratio) => Math.round(100 * ratio)).join('/')})`;
  }
}
printTable(
  `Burst: ${total} due jobs, concurrency ${concurrency}, median of ${rounds} interleaved round(s) — node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`,
  rows,
  ['contender', 'jobs', 'delivered', 'duplicates', 'recorded', 'per second', 'rounds', '% of ceiling'],
);
process.exit(0);
