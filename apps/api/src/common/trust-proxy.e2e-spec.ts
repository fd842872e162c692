import request from 'supertest';
import { createTestApp, TestApp } from '../../test/test-app';

/** Login throttling counts the client's address: from X-Forwarded-For only when the proxy is trusted. */
describe('TRUST_PROXY', () => {
  const limits = { AUTH_LOGIN_RATE_LIMIT: '2', AUTH_LOGIN_IP_RATE_LIMIT: '100' };
  const attempt = (testApp: TestApp, clientIp: string) =>
    request(testApp.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', clientIp)
      .send({ email: 'someone@test.zer08', password: 'wrong-password' });

  it('with one trusted hop, tells clients behind the proxy apart', async () => {
    const testApp = await createTestApp({ ...limits, TRUST_PROXY: '1' });
    try {
      await attempt(testApp, '203.0.113.1').expect(401);
      await attempt(testApp, '203.0.113.1').expect(401);
      await attempt(testApp, '203.0.113.1').expect(429);
      await attempt(testApp, '203.0.113.2').expect(401);
    } finally {
      await testApp.close();
    }
  });

  it('unset, ignores X-Forwarded-For so a client cannot reset its counter by forging it', async () => {
    const testApp = await createTestApp(limits);
    try {
      await attempt(testApp, '203.0.113.1').expect(401);
      await attempt(testApp, '203.0.113.2').expect(401);
      await attempt(testApp, '203.0.113.3').expect(429);
    } finally {
      await testApp.close();
    }
  });
});
