import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { accessTokenFor } from '../../test/test-app';
import { Replica, startReplica } from '../../test/replicas';
import { createTestDatabase, TestDatabase } from '../../test/test-database';
import {
  executionsOf,
  insertJobs,
  insertUser,
  Sink,
  SinkCall,
  startSink,
  waitFor,
} from '../scheduler/scheduler.test-fixtures';
import { SecretBox } from '../secrets/secret-box';
import { verifyDelivery } from './signature';

const everySecond = { kind: 'cron', expression: '* * * * * *' };

/** The receiver snippet printed in docs/scheduler.md, run verbatim. */
function docsVerifier(): (secret: string, headers: SinkCall['headers'], rawBody: string) => boolean {
  const docs = readFileSync(join(__dirname, '../../../../docs/scheduler.md'), 'utf8');
  const snippet = /```js\n([\s\S]*?)```/.exec(docs)?.[1] ?? '';
  return new Function('require', `${snippet}\nreturn verifyZer08;`)(require) as ReturnType<typeof docsVerifier>;
}

const scheduledForOf = (call: SinkCall) =>
  Date.parse(String(call.headers['idempotency-key']).split(':').slice(1).join(':'));

const signatureOf = (call: SinkCall) => ({
  timestamp: String(call.headers['x-zer08-timestamp']),
  signature: String(call.headers['x-zer08-signature']),
});

/** End to end through a running scheduler: leader fires, a worker calls, the result is written. */
describe('callback delivery', () => {
  let database: TestDatabase;
  let db: Client;
  let sink: Sink;
  let ownerId: string;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sink = await startSink();
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close().catch(() => undefined);
    await db?.end();
    await sink?.close();
    await database?.drop();
  });

  const callsTo = (path: string) => sink.calls.filter((call) => call.path === path);
  const pause = (jobId: string) => db.query(`UPDATE jobs SET status = 'paused' WHERE id = $1`, [jobId]);
  const storedSecret = async (jobId: string) =>
    (await db.query<{ signing_secret: string }>(`SELECT signing_secret FROM jobs WHERE id = $1`, [jobId])).rows[0]
      .signing_secret;

  describe('with private networks disallowed', () => {
    let replica: Replica;

    beforeAll(async () => {
      replica = await startReplica(database, 'strict', { CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false' });
      replicas.push(replica);
      db = new Client({ connectionString: database.url });
      await db.connect();
      ownerId = await insertUser(db);
    });

    afterAll(() => replica.close());

    it('fails, without calling, a job whose host resolves to 127.0.0.1 at call time (inserted past create-time validation)', async () => {
      // As if DNS for the host changed after the job was validated: the row goes straight into the database.
      const [jobId] = await insertJobs(db, [
        {
          ownerId,
          schedule: everySecond,
          target: { kind: 'http', method: 'POST', url: `http://localhost:${sink.port}/rebound` },
          maxAttempts: 1,
        },
      ]);
      const [execution] = await waitFor(async () => {
        const rows = await executionsOf(db, jobId);
        return rows.some((row) => row.status === 'failed') ? rows.filter((row) => row.status === 'failed') : null;
      }, 10_000);
      await pause(jobId);
      expect(execution.error).toBe(
        'callback address 127.0.0.1 is refused by the private-network policy: loopback address (localhost resolved to it); set CALLBACK_ALLOW_PRIVATE_NETWORKS=true to allow it',
      );
      expect(execution.http_status).toBeNull();
      expect(callsTo('/rebound')).toEqual([]);
    });
  });

  describe('signing secrets encrypted at rest', () => {
    let replica: Replica;
    let http: ReturnType<typeof request>;
    let auth: { Authorization: string };

    beforeAll(async () => {
      replica = await startReplica(database, 'open'); // CALLBACK_ALLOW_PRIVATE_NETWORKS=true
      replicas.push(replica);
      http = request(replica.app.getHttpServer());
      const { rows } = await db.query<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [ownerId]);
      auth = {
        Authorization: `Bearer ${accessTokenFor(replica.env, { id: ownerId, email: rows[0].email, role: 'user' })}`,
      };
    });

    it('stores only ciphertext, yet deliveries verify with the secret the API answered, before and after rotate-secret', async () => {
      const created = await http
        .post('/api/v1/jobs')
        .set(auth)
        .send({
          name: 'signed',
          schedule: everySecond,
          target: { kind: 'http', method: 'POST', url: `${sink.url}/encrypted`, body: { n: 1 } },
        })
        .expect(201);
      const { id: jobId, signingSecret: secret } = created.body as { id: string; signingSecret: string };
      expect(secret).toMatch(/^[\w-]{43}$/);
      const stored = await storedSecret(jobId);
      expect(stored).toMatch(/^enc:v1:[0-9a-f]{8}:/);
      expect(stored).not.toContain(secret);
      expect(stored.split(':')[2]).toBe(SecretBox.fromEnvironment(replica.env).keyId);

      const [call] = await waitFor(() => (callsTo('/encrypted').length > 0 ? callsTo('/encrypted') : null), 5_000);
      const verifyZer08 = docsVerifier();
      expect(verifyDelivery(secret, signatureOf(call), call.body)).toBe(true);
      expect(verifyZer08(secret, call.headers, call.body)).toBe(true);
      // The stored value is not the key: a database dump alone cannot sign.
      expect(verifyDelivery(stored, signatureOf(call), call.body)).toBe(false);
      expect(verifyZer08(stored, call.headers, call.body)).toBe(false);

      const rotated = await http.post(`/api/v1/jobs/${jobId}/rotate-secret`).set(auth).expect(200);
      const newSecret = (rotated.body as { signingSecret: string }).signingSecret;
      const storedAfter = await storedSecret(jobId);
      expect(storedAfter).toMatch(/^enc:v1:/);
      expect(storedAfter).not.toContain(newSecret);
      // Occurrences are fired (and their secret read) up to 250 ms ahead: take one due well after the rotation.
      const rotatedAt = Date.now();
      const [later] = await waitFor(() => {
        const calls = callsTo('/encrypted').filter((c) => scheduledForOf(c) > rotatedAt + 1_000);
        return calls.length > 0 ? calls : null;
      }, 5_000);
      await pause(jobId);
      expect(verifyZer08(newSecret, later.headers, later.body)).toBe(true);
      expect(verifyZer08(secret, later.headers, later.body)).toBe(false);
    });

    it('returns each plaintext secret of a bulk create once and stores every one encrypted', async () => {
      const jobs = [0, 1, 2].map((n) => ({
        name: `bulk-${n}`,
        schedule: { kind: 'cron', expression: '0 0 3 * * *' },
        target: { kind: 'http', method: 'POST', url: `${sink.url}/bulk` },
      }));
      const { body } = await http.post('/api/v1/jobs/bulk').set(auth).send({ jobs }).expect(201);
      const box = SecretBox.fromEnvironment(replica.env);
      for (const item of (body as { items: Array<{ id: string; signingSecret: string }> }).items) {
        expect(item.signingSecret).toMatch(/^[\w-]{43}$/);
        const stored = await storedSecret(item.id);
        expect(stored).toMatch(/^enc:v1:/);
        expect(box.open(stored)).toBe(item.signingSecret);
      }
    });

    it('keeps signing with a legacy plaintext secret, and seals it when a replica starts', async () => {
      const [jobId] = await insertJobs(db, [
        {
          ownerId,
          schedule: everySecond,
          target: { kind: 'http', method: 'POST', url: `${sink.url}/legacy` },
          signingSecret: 'whsec_legacy_plaintext',
        },
      ]);
      const [call] = await waitFor(() => (callsTo('/legacy').length > 0 ? callsTo('/legacy') : null), 5_000);
      expect(verifyDelivery('whsec_legacy_plaintext', signatureOf(call), call.body)).toBe(true);
      expect(await storedSecret(jobId)).toBe('whsec_legacy_plaintext');

      const restarted = await startReplica(database, 'restarted');
      replicas.push(restarted);
      const sealed = await storedSecret(jobId);
      expect(sealed).toMatch(/^enc:v1:/);
      expect(sealed).not.toContain('whsec_legacy_plaintext');
      expect(SecretBox.fromEnvironment(restarted.env).open(sealed)).toBe('whsec_legacy_plaintext');
      const sealedAt = Date.now();
      const [later] = await waitFor(() => {
        const calls = callsTo('/legacy').filter((c) => c.receivedAt > sealedAt + 50);
        return calls.length > 0 ? calls : null;
      }, 5_000);
      await pause(jobId);
      expect(verifyDelivery('whsec_legacy_plaintext', signatureOf(later), later.body)).toBe(true);
    });
  });
});
