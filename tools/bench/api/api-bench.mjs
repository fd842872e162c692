// API load: autocannon against one replica (the built API, started as `npm start` runs it,
// on a fresh database). Routes: GET /jobs/:id, GET /jobs (a page), POST /jobs, POST /jobs/bulk.
//   npm run build -- --projects=api && node tools/bench/api/api-bench.mjs [--duration 15] [--connections 32]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const port = 3900 + Math.floor(Math.random() * 50);
const base = `http://127.0.0.1:${port}`;

const databaseName = `zer08_bench_api_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${databaseName}`);
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();

// BENCH_MAIN: another build's main.js, for A/B runs on the same machine.
const server = spawn(process.execPath, [process.env.BENCH_MAIN ?? 'dist/api/apps/api/src/main.js'], {
  env: {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: 'bench@zer08.local',
    ADMIN_PASSWORD: 'bench-password',
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    // The benchmark measures the server, not the per-user write limit.
    AUTH_WRITE_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

async function waitForHealth() {
  for (let i = 0; i < 200; i += 1) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('API did not become healthy');
}

const job = (i) => ({
  name: `bench-${i}`,
  schedule: { kind: 'cron', expression: `${i % 60} ${i % 60} * * * *`, timezone: 'Europe/Berlin' },
  target: { kind: 'http', method: 'POST', url: 'http://127.0.0.1:9/hook', headers: {}, body: { i }, timeoutMs: 10_000 },
  executionType: 'AT_LEAST_ONCE',
  retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1000 },
  concurrency: 'allow',
  misfire: 'fire_once',
  metadata: { bench: true },
});

function run(title, options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration, ...options }, (error, result) => (error ? reject(error) : resolve({ title, result })));
  });
}

try {
  await waitForHealth();
  const login = await (
    await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@zer08.local', password: 'bench-password' }),
    })
  ).json();
  const headers = { authorization: `Bearer ${login.accessToken}`, 'content-type': 'application/json' };
  const created = await (await fetch(`${base}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify(job(0)) })).json();
  if (!created.id) throw new Error(`could not create a job: ${JSON.stringify(created)}`);
  // A realistic table to page through and look up in.
  const bulkBody = JSON.stringify({ jobs: Array.from({ length: 1000 }, (_, i) => job(i)) });
  for (let i = 0; i < 10; i += 1) await fetch(`${base}/api/v1/jobs/bulk`, { method: 'POST', headers, body: bulkBody });

  const scenarios = [
    ['GET /jobs/:id', { url: `${base}/api/v1/jobs/${created.id}`, headers }],
    ['GET /jobs?page=2&pageSize=20', { url: `${base}/api/v1/jobs?page=2&pageSize=20`, headers }],
    ['POST /jobs', { url: `${base}/api/v1/jobs`, method: 'POST', headers, body: JSON.stringify(job(7)) }],
    ['POST /jobs/bulk (1,000 jobs)', { url: `${base}/api/v1/jobs/bulk`, method: 'POST', headers, body: bulkBody, connections: 4 }],
  ].filter(([title]) => !values.only || values.only.split(',').some((wanted) => title.includes(wanted)));

  const rows = [];
  for (const [title, options] of scenarios) {
    const { result } = await run(title, options);
    const ok = result['2xx'];
    const jobsPerRequest = title.includes('bulk') ? 1000 : 1;
    rows.push({
      route: title,
      'req/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      '2xx': ok,
      'non-2xx': result.non2xx,
      errors: result.errors,
      'jobs/s': jobsPerRequest > 1 ? Math.round((ok / result.duration) * jobsPerRequest) : '',
    });
    console.log(`${title}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`);
  }
  const columns = ['route', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'non-2xx', 'errors', 'jobs/s'];
  console.log(`\nAPI load, ${connections} connections x ${duration} s — node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`);
  console.log(`| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${columns.map((column) => row[column]).join(' | ')} |`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
}
