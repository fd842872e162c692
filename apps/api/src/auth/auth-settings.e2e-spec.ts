import request from 'supertest';
import { DataSource } from 'typeorm';
import { accessTokenFor, createTestApp, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TestApp } from '../../test/test-app';

/** Auth tunables set through the environment: login limits and the per-replica user cache. */
describe('auth settings', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    testApp = await createTestApp({
      AUTH_LOGIN_RATE_LIMIT: '3',
      AUTH_LOGIN_IP_RATE_LIMIT: '6',
      AUTH_LOGIN_RATE_WINDOW_SECONDS: '60',
      AUTH_USER_CACHE_MS: '0',
    });
    http = request(testApp.app.getHttpServer());
  });

  afterAll(() => testApp.close());

  const attempt = (email: string, password = 'wrong-password') =>
    http.post('/api/v1/auth/login').send({ email, password });

  it('answers 429 problem+json with Retry-After once one email was tried too often from one IP, even with the right password', async () => {
    for (let i = 0; i < 3; i += 1) await attempt(TEST_ADMIN_EMAIL).expect(401);
    const limited = await attempt(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD).expect(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toMatchObject({ status: 429, code: 'rate_limited', title: 'Too Many Requests' });
    // Letter case does not buy more attempts.
    await attempt(TEST_ADMIN_EMAIL.toUpperCase()).expect(429);
  });

  it('limits one IP across many emails too', async () => {
    // The admin's 3 counted attempts above (refused ones do not count) + 3 here reach the per-IP limit of 6.
    await attempt('one@test.zer08').expect(401);
    await attempt('two@test.zer08').expect(401);
    await attempt('three@test.zer08').expect(401);
    await attempt('four@test.zer08').expect(429);
  });

  it('does not limit other routes', async () => {
    for (let i = 0; i < 10; i += 1)
      await http.post('/api/v1/auth/refresh').send({ refreshToken: 'unknown' }).expect(401);
  });

  it('with AUTH_USER_CACHE_MS=0, sees a revocation written by another replica on the very next request', async () => {
    // Logins are rate limited in this app, so mint the token as the login route does; revoke it as another replica would.
    const [admin] = await testApp.app
      .get(DataSource)
      .query(`SELECT id, email, role FROM users WHERE email = $1`, [TEST_ADMIN_EMAIL]);
    const token = accessTokenFor(testApp.env, admin, 900);
    await http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    await testApp.app
      .get(DataSource)
      .query(`UPDATE users SET tokens_valid_after = now() + interval '1 second' WHERE id = $1`, [admin.id]);
    const refused = await http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(refused.body.code).toBe('token_revoked');
  });
});
