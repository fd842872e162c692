import request from 'supertest';
import { createTestApp, TestApp } from '../../test/test-app';

describe('HTTP hardening', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ CORS_ORIGINS: 'https://console.example.com' });
  });

  afterAll(() => testApp.close());

  it('sends security headers (helmet) and no x-powered-by', async () => {
    const response = await request(testApp.app.getHttpServer()).get('/health/live').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('answers CORS only for the configured origins', async () => {
    const http = request(testApp.app.getHttpServer());
    const allowed = await http
      .options('/api/v1/jobs')
      .set('Origin', 'https://console.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.com');
    const refused = await http
      .options('/api/v1/jobs')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a body over 1 MB with 413 problem+json naming the body, before any handler runs', async () => {
    const response = await request(testApp.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(10 * 1024 * 1024) }))
      .expect(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([{ field: 'body', message: expect.any(String) }]);
  });
});
