import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { accessTokenFor, TestApp } from '../../test/test-app';

export interface TestUser {
  id: string;
  email: string;
  role: 'admin' | 'user';
  token: string;
  auth: { Authorization: string };
}

/** A user inserted straight into the database, with a token minted as the login route would. */
export async function createUser(testApp: TestApp, role: 'admin' | 'user' = 'user'): Promise<TestUser> {
  const email = `${role}-${randomUUID().slice(0, 8)}@test.zer08`;
  const [row] = await testApp.app
    .get(DataSource)
    .query(`INSERT INTO users (email, password_hash, role) VALUES ($1, 'not-a-real-hash', $2) RETURNING id`, [email, role]);
  const token = accessTokenFor(testApp.env, { id: row.id, email, role });
  return { id: row.id, email, role, token, auth: { Authorization: `Bearer ${token}` } };
}

/** A valid job body; `overrides` replace top-level fields. */
export function jobBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'nightly-report',
    schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
    target: { kind: 'http', method: 'POST', url: 'https://example.com/hook', headers: {}, body: { report: 'daily' }, timeoutMs: 10000 },
    executionType: 'AT_LEAST_ONCE',
    retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1000 },
    concurrency: 'allow',
    misfire: 'fire_once',
    startAt: null,
    endAt: null,
    metadata: {},
    ...overrides,
  };
}

/** Row counts and last change of every table a bad request must leave alone. */
export async function snapshotTables(testApp: TestApp): Promise<unknown> {
  const [row] = await testApp.app.get(DataSource).query(`
    SELECT (SELECT count(*) FROM jobs) AS jobs,
           (SELECT max(updated_at) FROM jobs) AS jobs_updated,
           (SELECT sum(version) FROM jobs) AS jobs_versions,
           (SELECT count(*) FROM executions) AS executions,
           (SELECT count(*) FROM job_audit) AS audit`);
  return row;
}
