// A reference for the steady run on this machine: S calls at every whole second for D
// seconds, each from its own timer set for the instant, POSTed with undici to the same sink,
// with no scheduler, database or recording at all (and nothing built ahead of the instant).
// Lateness as in steady.mjs: the sink's receive time minus the instant. At most
// `concurrency` calls in flight (one connection each), as the scheduler's workers.
//   node tools/bench/scheduler/steady-plain-timers.mjs [--schedules 10] [--seconds 30] [--concurrency 200]
import { parseArgs } from 'node:util';
import { callbackAgent, deliver, percentile, startSink } from './harness.mjs';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '200' },
  },
});
const schedules = Number(values.schedules);
const seconds = Number(values.seconds);
const sink = await startSink();
const agent = callbackAgent(Number(values.concurrency));
// Connections opened and the call path compiled before the first timed second.
await Promise.all(
  Array.from({ length: Math.min(schedules, Number(values.concurrency)) }, (_, i) => deliver(agent, sink.url, -1 - i)),
);
await sink.reset();
const start = Math.ceil(Date.now() / 1000) * 1000 + 1000;
for (let second = 0; second < seconds; second++) {
  const at = start + second * 1000;
  for (let i = 0; i < schedules; i++) {
    setTimeout(() => void deliver(agent, sink.url, second * schedules + i), at - Date.now());
  }
}
await new Promise((resolve) => setTimeout(resolve, start + seconds * 1000 + 1000 - Date.now()));
const { arrivals } = await sink.stats();
const lateness = arrivals
  .filter(([, id]) => id >= 0)
  .map(([receivedAt, id]) => receivedAt - (start + Math.floor(id / schedules) * 1000))
  .sort((a, b) => a - b);
console.log(
  `plain timers: ${schedules} calls every second for ${seconds} s, ${lateness.length} received — ` +
    `p50 ${percentile(lateness, 50)} ms, p99 ${percentile(lateness, 99)} ms, max ${lateness.at(-1)} ms`,
);
await sink.stop();
await agent.close();
