// The HTTP sink every contender calls: a separate process so its work does not share an
// event loop with the scheduler under test. It records each call's arrival time and the
// `x-bench-id` / body id, and answers GET /__stats and POST /__reset.
import { createServer } from 'node:http';

const port = Number(process.env.SINK_PORT ?? 0);
let arrivals = []; // [receivedAtMs, id, scheduledForMs]

const server = createServer((request, response) => {
  if (request.url === '/__stats') {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ count: arrivals.length, arrivals }));
    return;
  }
  if (request.url === '/__reset') {
    arrivals = [];
    response.end('ok');
    return;
  }
  const receivedAt = Date.now();
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    let id = request.headers['x-bench-id'] ?? request.headers['idempotency-key'] ?? null;
    let scheduledFor = Number(request.headers['x-bench-scheduled-for'] ?? NaN);
    if (!id && body) {
      try {
        const parsed = JSON.parse(body);
        id = parsed.id ?? null;
      } catch {
        /* not JSON: count it anyway */
      }
    }
    const idempotencyKey = request.headers['idempotency-key'];
    if (Number.isNaN(scheduledFor) && typeof idempotencyKey === 'string') {
      // ZER08's Idempotency-Key is `<jobId>:<scheduledFor ISO>`.
      const iso = idempotencyKey.slice(idempotencyKey.indexOf(':') + 1);
      scheduledFor = Date.parse(iso);
    }
    arrivals.push([receivedAt, id, Number.isNaN(scheduledFor) ? null : scheduledFor]);
    response.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
  if (!process.send) console.log(`sink listening on ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
