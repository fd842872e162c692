import { parseCron, schedule, validateSchedule } from '../src/index';

describe('README examples stay true', () => {
  test('parseCron in Berlin, describe, interval and validateSchedule', () => {
    const cron = parseCron('0 30 2 * * MON-FRI', { timezone: 'Europe/Berlin' });
    expect(cron.next(new Date('2026-03-27T12:00:00Z'))).toEqual(new Date('2026-03-30T00:30:00Z'));
    expect(cron.describe()).toBe('At 02:30 on Monday through Friday');
    expect(schedule({ kind: 'interval', every: 'PT30S', startAt: '2026-01-01T00:00:00Z' }).nextN(3, new Date('2026-01-01T00:00:10Z'))).toEqual([
      new Date('2026-01-01T00:00:30Z'),
      new Date('2026-01-01T00:01:00Z'),
      new Date('2026-01-01T00:01:30Z'),
    ]);
    expect(validateSchedule({ kind: 'cron', expression: '0 0 0 30 2 *' })).toEqual({
      ok: false,
      errors: [{ field: 'expression', message: "'0 0 0 30 2 *' can never fire: no date in 1970-2199 matches it" }],
    });
  });
});
