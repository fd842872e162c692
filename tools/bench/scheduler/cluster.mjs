// Real ZER08 replicas for benchmarks and chaos runs: each is the built API
// (`dist/api/apps/api/src/main.js`, what `npm start` runs) in its own OS process, all
// pointing at one fresh database on the benchmark Postgres server.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { BENCH_DATABASE_URL, sleep } from './harness.mjs';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function createBenchDatabase() {
  const name = `zer08_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  // BENCH_LOG_STATEMENTS=1: Postgres logs every statement of the run with its duration (server log).
  if (process.env.BENCH_LOG_STATEMENTS) await admin.query(`ALTER DATABASE ${name} SET log_min_duration_statement = 0`);
  const url = Object.assign(new URL(BENCH_DATABASE_URL), { pathname: `/${name}` }).toString();
  return {
    name,
    url,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';

/**
 * Signing secrets sealed as the API stores them (AES-256-GCM under the key the replicas
 * derive from BENCH_JWT_SECRET), so every fire pays for opening one as it does in
 * production. Distinct per job up to 50,000 jobs; beyond, a pool is reused (scale runs,
 * where few jobs are due).
 */
function sealedSecrets(count) {
  const require = createRequire(import.meta.url);
  const { SecretBox } = require(resolve(process.env.BENCH_MAIN ? dirname(process.env.BENCH_MAIN) : 'dist/api/apps/api/src', 'secrets/secret-box.js'));
  const box = new SecretBox(BENCH_JWT_SECRET);
  return Array.from({ length: Math.min(count, 50_000) }, () => box.seal(randomBytes(16).toString('hex')));
}

export async function startReplica(databaseUrl, extraEnv = {}) {
  const port = await freePort();
  const replicaId = extraEnv.REPLICA_ID ?? `bench-${port}`;
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the replicas.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // The heap ceiling `npm start` gives the API (tools/scripts/start.mjs), unless BENCH_NODE_ARGS sets one.
  if (!nodeArgs.some((arg) => arg.startsWith('--max-old-space-size'))) nodeArgs.push('--max-old-space-size=512');
  // BENCH_MAIN runs another build (e.g. of a clean checkout, for an A/B run on the same machine).
  const main = process.env.BENCH_MAIN ?? 'dist/api/apps/api/src/main.js';
  const child = spawn(process.execPath, [...nodeArgs, ...(process.env.BENCH_NO_SOURCE_MAPS ? [] : ['--enable-source-maps']), main], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      JWT_SECRET: BENCH_JWT_SECRET,
      ADMIN_EMAIL: 'bench@zer08.local',
      ADMIN_PASSWORD: 'bench-password',
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'warn',
      REPLICA_ID: replicaId,
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* starting */
    }
    if (child.exitCode !== null || i > 600) throw new Error(`replica ${replicaId} did not start`);
    await sleep(100);
  }
  return {
    replicaId,
    port,
    base,
    pid: child.pid,
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Inserts `count` jobs for one owner in a single statement; `schedule` and `nextRunAt` per job. */
export async function insertJobs(
  client,
  { count, schedule, nextRunAt, url, executionType = 'AT_LEAST_ONCE', status = 'active', timeoutMs = 10_000, maxAttempts = 3, initialDelayMs = 1_000 },
) {
  const {
    rows: [owner],
  } = await client.query(
    `INSERT INTO users (email, password_hash, role) VALUES ($1, 'x', 'user')
     ON CONFLICT ((lower(email))) DO UPDATE SET role = users.role RETURNING id`,
    [`owner-${randomUUID()}@bench`],
  );
  await client.query(
    `INSERT INTO jobs (owner_id, name, schedule, timezone, target, execution_type, max_attempts, initial_delay_ms,
                       next_run_at, status, signing_secret)
     SELECT $1, 'bench-' || i, $2::jsonb, 'UTC',
            jsonb_build_object('kind', 'http', 'method', 'POST', 'url', $3::text, 'headers', '{}'::jsonb, 'timeoutMs', $8::int),
            $4, $9, $10, $5::timestamptz, $7, ($11::text[])[1 + (i - 1) % cardinality($11::text[])]
     FROM generate_series(1, $6::int) AS i`,
    [owner.id, JSON.stringify(schedule), url, executionType, nextRunAt, count, status, timeoutMs, maxAttempts, initialDelayMs, sealedSecrets(count)],
  );
  return owner.id;
}
