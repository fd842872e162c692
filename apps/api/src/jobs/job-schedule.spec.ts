import type { ScheduleDto } from '@zer08/contracts';
import { checkJobSchedule, describeSchedule, nextRunAfter, ScheduleCheck, timezoneOf } from './job-schedule';

const NOW = new Date('2030-01-01T00:00:00Z');
const open = { startAt: null, endAt: null };

describe('job schedules', () => {
  it('uses the schedule zone, else UTC', () => {
    expect(timezoneOf({ kind: 'cron', expression: '* * * * *', timezone: 'Asia/Tokyo' })).toBe('Asia/Tokyo');
    expect(timezoneOf({ kind: 'interval', every: '5m' })).toBe('UTC');
    expect(timezoneOf({ kind: 'once', at: '2031-01-01T00:00:00Z' })).toBe('UTC');
  });

  it('computes the first fire after now, inside the bounds', () => {
    expect(checkJobSchedule({ kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' }, open, NOW)).toEqual({
      ok: true,
      nextRunAt: new Date('2030-01-01T01:30:00Z'),
    });
    const bounded = checkJobSchedule({ kind: 'cron', expression: '0 0 * * *' }, { startAt: '2030-06-01T12:00:00Z', endAt: null }, NOW);
    expect(bounded).toEqual({ ok: true, nextRunAt: new Date('2030-06-02T00:00:00Z') });
  });

  it('anchors an interval at the job startAt unless it has its own', () => {
    const spec: ScheduleDto = { kind: 'interval', every: '1h' };
    expect(nextRunAfter(spec, { startAt: '2030-01-01T00:20:00Z', endAt: null }, NOW)).toEqual(new Date('2030-01-01T00:20:00Z'));
    expect(nextRunAfter(spec, open, NOW)).toEqual(new Date('2030-01-01T01:00:00Z'));
    expect(nextRunAfter({ ...spec, startAt: '2029-12-31T23:45:00Z' }, { startAt: '2030-01-01T00:20:00Z', endAt: null }, NOW)).toEqual(
      new Date('2030-01-01T00:45:00Z'),
    );
  });

  it('names schedule fields under schedule. and the bounds at the top level', () => {
    const fields = (check: ScheduleCheck) => (check.ok ? [] : check.errors.map((e) => e.field));
    expect(fields(checkJobSchedule({ kind: 'cron', expression: '0 0 0 30 2 *' }, open, NOW))).toEqual(['schedule.expression']);
    expect(fields(checkJobSchedule({ kind: 'cron', expression: '* * * * *', timezone: 'No/Where' }, open, NOW))).toEqual(['schedule.timezone']);
    expect(fields(checkJobSchedule({ kind: 'once', at: '2029-01-01T00:00:00Z' }, open, NOW))).toEqual(['schedule.at']);
    expect(fields(checkJobSchedule({ kind: 'interval', every: '1m' }, { startAt: '2031-01-01T00:00:00Z', endAt: '2030-06-01T00:00:00Z' }, NOW))).toEqual(['endAt']);
    expect(fields(checkJobSchedule({ kind: 'once', at: '2031-01-01T00:00:00Z' }, { startAt: null, endAt: '2030-06-01T00:00:00Z' }, NOW))).toEqual(['endAt']);
    expect(fields(checkJobSchedule({ kind: 'cron', expression: '* * * * *' }, open, NOW, undefined, 'jobs[4].'))).toEqual([]);
    expect(fields(checkJobSchedule({ kind: 'cron', expression: 'x' }, open, NOW, undefined, 'jobs[4].'))).toEqual(['jobs[4].schedule.expression']);
  });

  it('caches a check per spec and bounds, and prefixes each use separately', () => {
    const cache = new Map<string, ScheduleCheck>();
    const spec: ScheduleDto = { kind: 'cron', expression: 'nope' };
    const first = checkJobSchedule(spec, open, NOW, cache, 'jobs[0].');
    const second = checkJobSchedule(spec, open, NOW, cache, 'jobs[1].');
    expect(cache.size).toBe(1);
    expect(first.ok || first.errors[0].field).toBe('jobs[0].schedule.expression');
    expect(second.ok || second.errors[0].field).toBe('jobs[1].schedule.expression');
  });

  it('describes every kind', () => {
    expect(describeSchedule({ kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' })).toMatch(/Europe\/Berlin/);
    expect(describeSchedule({ kind: 'interval', every: '30s' })).toBe('Every 30s');
    expect(describeSchedule({ kind: 'once', at: '2031-01-01T00:00:00Z' })).toBe('Once at 2031-01-01T00:00:00Z');
    expect(describeSchedule({ kind: 'calendar', freq: 'weekly', times: ['09:00'], daysOfWeek: ['MON', 'WED'] })).toBe('At 09:00 every MON, WED (UTC)');
    expect(describeSchedule({ kind: 'calendar', freq: 'monthly', times: ['08:00'], nthWeekday: [{ weekday: 'FRI', nth: -1 }] })).toBe(
      'At 08:00 on the last FRI of the month (UTC)',
    );
  });
});
