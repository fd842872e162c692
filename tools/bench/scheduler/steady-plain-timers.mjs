// A reference for the steady run on this machine: S calls at every whole second for D
// seconds, each from its own timer set for the instant, POSTed with undici to the same sink,
// with no scheduler, database or recording at all (and nothing built ahead of the instant).
// Lateness as in steady.mjs: the sink's receive time minus the instant. At most
// `concurrency` calls in flight (one connection each), as the scheduler's workers.
// --raw: the floor below any HTTP client: each second's requests built as bytes ahead of time
// on `schedules` open sockets, all written in the one event-loop turn that finds the clock
// past the instant (polled from 2 ms before it), answers read and dropped.
//   node tools/bench/scheduler/steady-plain-timers.mjs [--schedules 10] [--seconds 30] [--concurrency 200] [--raw]
import net from 'node:net';
import { parseArgs } from 'node:util';
import { callbackAgent, deliver, percentile, startSink } from './harness.mjs';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '200' },
    raw: { type: 'boolean', default: false },
  },
});
const schedules = Number(values.schedules);
const seconds = Number(values.seconds);
const sink = await startSink();
const sender = values.raw ? await rawSender(sink, schedules) : await undiciSender(sink, Number(values.concurrency));
await sink.reset();
const start = Math.ceil(Date.now() / 1000) * 1000 + 1000;
for (let second = 0; second < seconds; second++) sender.schedule(start + second * 1000, second);
await new Promise((resolve) => setTimeout(resolve, start + seconds * 1000 + 1000 - Date.now()));
const { arrivals } = await sink.stats();
const lateness = arrivals
  .filter(([, id]) => id >= 0)
  .map(([receivedAt, id]) => receivedAt - (start + Math.floor(id / schedules) * 1000))
  .sort((a, b) => a - b);
console.log(
  `${values.raw ? 'raw sockets' : 'plain timers'}: ${schedules} calls every second for ${seconds} s, ${lateness.length} received — ` +
    `p50 ${percentile(lateness, 50)} ms, p99 ${percentile(lateness, 99)} ms, max ${lateness.at(-1)} ms`,
);
await sink.stop();
await sender.close();

/** One timer per call, each POSTing with undici when it runs (what an application would write). */
async function undiciSender(sink, concurrency) {
  const agent = callbackAgent(concurrency);
  // Connections opened and the call path compiled before the first timed second.
  await Promise.all(
    Array.from({ length: Math.min(schedules, concurrency) }, (_, i) => deliver(agent, sink.url, -1 - i)),
  );
  return {
    schedule(at, second) {
      for (let i = 0; i < schedules; i++) {
        setTimeout(() => void deliver(agent, sink.url, second * schedules + i), at - Date.now());
      }
    },
    close: () => agent.close(),
  };
}

async function rawSender(sink, connections) {
  const sockets = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise((resolve) => {
          const socket = net.connect(sink.port, '127.0.0.1', () => resolve(socket));
          socket.setNoDelay(true);
          socket.on('data', () => undefined);
        }),
    ),
  );
  const requestBytes = (id) => {
    const body = JSON.stringify({ id });
    return Buffer.from(
      `POST /hook HTTP/1.1\r\nhost: 127.0.0.1:${sink.port}\r\ncontent-type: application/json\r\n` +
        `x-bench-id: ${id}\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
  };
  sockets.forEach((socket, i) => socket.write(requestBytes(-1 - i)));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const nowMs = () => performance.timeOrigin + performance.now();
  return {
    schedule(at, second) {
      const requests = sockets.map((_, i) => requestBytes(second * schedules + i));
      const writeWhenDue = () => {
        if (nowMs() < at) return void setImmediate(writeWhenDue);
        sockets.forEach((socket, i) => socket.write(requests[i]));
      };
      setTimeout(writeWhenDue, at - 2 - Date.now());
    },
    close: async () => sockets.forEach((socket) => socket.destroy()),
  };
}
