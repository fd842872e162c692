import request from 'supertest';
import { createTestApp, TestApp } from '../../test/test-app';
import { createUser, snapshotTables, TestUser } from '../jobs/jobs.test-fixtures';

describe('POST /api/v1/schedules/preview', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let alice: TestUser;

  beforeAll(async () => {
    testApp = await createTestApp();
    http = request(testApp.app.getHttpServer());
    alice = await createUser(testApp);
  });

  afterAll(() => testApp.close());

  const preview = (body: object) => http.post('/api/v1/schedules/preview').set(alice.auth).send(body);

  it('describes a cron schedule and lists its next fire times', async () => {
    const { body } = await preview({ schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' }, count: 3 }).expect(200);
    expect(body).toMatchObject({ valid: true, timezone: 'Europe/Berlin', description: expect.stringContaining('Europe/Berlin') });
    expect(body.next).toHaveLength(3);
    expect(body.next[0]).toEqual({ at: expect.any(String), local: expect.stringMatching(/T02:30:00$/), offset: expect.stringMatching(/^\+0[12]:00$/), dst: 'none' });
  });

  it('marks the wall times a DST gap removes', async () => {
    const { body } = await preview({
      schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
      startAt: '2099-03-27T00:00:00Z',
      count: 3,
    }).expect(200);
    // 2099-03-29 is the last Sunday of March: 02:30 does not exist in Berlin that day.
    expect(body.next).toContainEqual({ at: null, local: '2099-03-29T02:30:00', offset: null, dst: 'skipped' });
    expect(body.next).toContainEqual({ at: '2099-03-30T00:30:00.000Z', local: '2099-03-30T02:30:00', offset: '+02:00', dst: 'none' });
  });

  it('previews interval, once and calendar kinds, honouring bounds and count', async () => {
    const interval = await preview({ schedule: { kind: 'interval', every: '15m' }, startAt: '2099-01-01T00:00:00Z', endAt: '2099-01-01T00:30:00Z', count: 10 }).expect(200);
    expect(interval.body.next.map((o: { at: string }) => o.at)).toEqual(['2099-01-01T00:00:00.000Z', '2099-01-01T00:15:00.000Z', '2099-01-01T00:30:00.000Z']);
    const once = await preview({ schedule: { kind: 'once', at: '2099-01-01T09:00:00Z' } }).expect(200);
    expect(once.body.next).toEqual([{ at: '2099-01-01T09:00:00.000Z', local: '2099-01-01T09:00:00', offset: '+00:00', dst: 'none' }]);
    const calendar = await preview({
      schedule: { kind: 'calendar', freq: 'weekly', times: ['09:00', '17:30'], daysOfWeek: ['MON'], timezone: 'UTC', overrideDates: [{ date: '2099-01-05', action: 'skip' }] },
      startAt: '2099-01-01T00:00:00Z',
      count: 2,
    }).expect(200);
    // 2099-01-05 is a Monday, skipped; the next Monday is the 12th.
    expect(calendar.body.next.map((o: { at: string }) => o.at)).toEqual(['2099-01-12T09:00:00.000Z', '2099-01-12T17:30:00.000Z']);
    const defaults = await preview({ schedule: { kind: 'interval', every: '1m' } }).expect(200);
    expect(defaults.body.next).toHaveLength(10);
  });

  it.each([
    [{ schedule: { kind: 'cron', expression: '61 * * * *' } }, 'schedule.expression'],
    [{ schedule: { kind: 'cron', expression: '0 0 0 30 2 *' } }, 'schedule.expression'],
    [{ schedule: { kind: 'cron', expression: '* * * * *', timezone: 'Mars/Olympus' } }, 'schedule.timezone'],
    [{ schedule: { kind: 'once', at: '2001-01-01T00:00:00Z' } }, 'schedule.at'],
    [{ schedule: { kind: 'interval', every: '0s' } }, 'schedule.every'],
    [{ schedule: { kind: 'weekly' } }, 'schedule.kind'],
    [{ schedule: { kind: 'interval', every: '1m' }, startAt: '2099-01-02T00:00:00Z', endAt: '2099-01-01T00:00:00Z' }, 'endAt'],
    [{ schedule: { kind: 'interval', every: '1m' }, count: 101 }, 'count'],
    [{ schedule: { kind: 'interval', every: '1m', extra: true } }, 'schedule.extra'],
    [{}, 'schedule'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const before = await snapshotTables(testApp);
    const response = await preview(body).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await snapshotTables(testApp)).toEqual(before);
  });

  it('reports the position of a cron syntax error', async () => {
    const response = await preview({ schedule: { kind: 'cron', expression: '0 0 24 * * *' } }).expect(400);
    expect(response.body.errors[0]).toMatchObject({ field: 'schedule.expression', position: expect.any(Number) });
  });
});
