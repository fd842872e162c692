import request from 'supertest';
import { createTestApp, TestApp } from '../../test/test-app';

describe('GET /health', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(() => testApp.close());

  it('answers 200 with the database status when Postgres is up', async () => {
    const response = await request(testApp.app.getHttpServer()).get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.details.database.status).toBe('up');
  });

  it('keeps liveness independent of the database', async () => {
    await request(testApp.app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
  });

  it('answers unknown API routes with problem+json 404', async () => {
    const response = await request(testApp.app.getHttpServer()).get('/api/v1/no-such-route').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, title: 'Not Found', code: 'not_found' });
  });

  it('reports the database as down (503) once Postgres stops answering', async () => {
    await testApp.database.drop();
    const response = await request(testApp.app.getHttpServer()).get('/health');
    expect(response.status).toBe(503);
    expect(response.body.details.database.status).toBe('down');
  });
});
