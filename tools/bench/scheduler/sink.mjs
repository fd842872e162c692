// The HTTP sink every contender calls: a separate process so its work does not share an
// event loop with the scheduler under test. It records each call's arrival time, the
// caller's id and the occurrence's scheduled instant. Controlled over IPC (it must answer
// even while it refuses connections): stats, reset, and fault modes for chaos runs.
import { createServer } from 'node:http';

let port = Number(process.env.SINK_PORT ?? 0);
let arrivals = []; // [receivedAtMs, id, scheduledForMs]
let mode = { status: 200, delayMs: 0 };
const sockets = new Set();

function scheduledForOf(request) {
  const explicit = Number(request.headers['x-bench-scheduled-for'] ?? NaN);
  if (!Number.isNaN(explicit)) return explicit;
  const idempotencyKey = request.headers['idempotency-key'];
  // ZER08's Idempotency-Key is `<jobId>:<scheduledFor ISO>`.
  if (typeof idempotencyKey === 'string') return Date.parse(idempotencyKey.slice(idempotencyKey.indexOf(':') + 1));
  return null;
}

function idOf(request, body) {
  const header = request.headers['x-bench-id'];
  if (header) return header;
  const idempotencyKey = request.headers['idempotency-key'];
  if (typeof idempotencyKey === 'string') return idempotencyKey.slice(0, idempotencyKey.indexOf(':'));
  try {
    return JSON.parse(body).id ?? null;
  } catch {
    return null;
  }
}

const server = createServer((request, response) => {
  const receivedAt = Date.now();
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const scheduledFor = scheduledForOf(request);
    arrivals.push([receivedAt, idOf(request, body), Number.isNaN(scheduledFor) ? null : scheduledFor, mode.status]);
    const answer = () => {
      if (!response.destroyed) {
        response.statusCode = mode.status;
        response.end(mode.status < 300 ? 'ok' : 'failing on purpose');
      }
    };
    if (mode.delayMs > 0) setTimeout(answer, mode.delayMs);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

function listen() {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server.address().port)));
}

const handlers = {
  stats: () => ({ count: arrivals.length, arrivals }),
  count: () => arrivals.length,
  reset: () => {
    arrivals = [];
    return true;
  },
  mode: (next) => {
    mode = { status: 200, delayMs: 0, ...next };
    return mode;
  },
  /** Stop accepting and drop every open connection for `ms`, then listen again on the same port. */
  refuse: async ({ ms }) => {
    await new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    setTimeout(() => void listen(), ms);
    return true;
  },
};

process.on('message', async ({ id, command, argument }) => {
  const result = await handlers[command](argument);
  process.send({ id, result });
});

port = await listen();
process.send?.({ ready: true, port });
process.on('SIGTERM', () => process.exit(0));
