import { Client } from 'pg';
import { Replica, startReplica } from '../../test/replicas';
import { createTestDatabase, TestDatabase } from '../../test/test-database';
import { executionsOf, insertJobs, insertUser, Sink, startSink, waitFor, withClient } from './scheduler.test-fixtures';

describe('scheduler: firing on one replica', () => {
  let database: TestDatabase;
  let replica: Replica;
  let sink: Sink;
  let db: Client;
  let ownerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    replica = await startReplica(database, 'solo', { LOG_LEVEL: 'warn' });
    sink = await startSink();
    db = new Client({ connectionString: database.url });
    await db.connect();
    ownerId = await insertUser(db);
  });

  afterAll(async () => {
    await replica?.close();
    await db?.end();
    await sink?.close();
    await database?.drop();
  });

  it('fires an every-second cron job on time (sink receive time - scheduledFor < 250 ms)', async () => {
    const [jobId] = await insertJobs(db, [
      { ownerId, schedule: { kind: 'cron', expression: '* * * * * *' }, target: { kind: 'http', url: `${sink.url}/every-second`, method: 'POST', body: { hello: 'world' } } },
    ]);
    await waitFor(() => sink.calls.filter((call) => call.path === '/every-second').length >= 4, 8_000);
    await db.query(`UPDATE jobs SET status = 'paused' WHERE id = $1`, [jobId]);
    const calls = sink.calls.filter((call) => call.path === '/every-second');
    const lateness = calls.map((call) => {
      const scheduledFor = Date.parse(String(call.headers['idempotency-key']).split(':').slice(1).join(':'));
      return call.receivedAt - scheduledFor;
    });
    expect(Math.max(...lateness)).toBeLessThan(250);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
    const rows = await waitFor(async () => {
      const all = await executionsOf(db, jobId);
      return all.length >= calls.length && all.every((row) => row.status === 'succeeded') ? all : null;
    }, 3_000);
    expect(rows.map((row) => row.scheduled_for.getTime() % 1000)).toEqual(rows.map(() => 0));
    expect(rows.every((row) => row.replica_id === 'solo' && Number(row.leader_epoch) >= 1)).toBe(true);
    const { rows: job } = await db.query(`SELECT call_count, last_status, last_run_at FROM jobs WHERE id = $1`, [jobId]);
    expect(Number(job[0].call_count)).toBe(rows.length);
    expect(job[0].last_status).toBe('succeeded');
  });
});

export { withClient };
