import { describeSchedule, previewSchedule } from './engine';

describe('previewSchedule (the editor preview, same engine as the server)', () => {
  const now = new Date('2027-03-26T12:00:00Z');

  it('lists the next fire times in the job zone and marks a wall time removed by the spring-forward gap', () => {
    const result = previewSchedule(
      { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
      'Europe/Berlin',
      {},
      3,
      now,
    );
    expect(result.errors).toEqual([]);
    expect(result.entries.map((e) => [e.display, e.dst])).toEqual([
      ['Sat 2027-03-27 02:30:00 GMT+1', 'none'],
      ['2027-03-28 02:30:00 (does not exist)', 'skipped'],
      ['Mon 2027-03-29 02:30:00 GMT+2', 'none'],
      ['Tue 2027-03-30 02:30:00 GMT+2', 'none'],
    ]);
    expect(result.entries[2].offsetChanged).toBe(true);
    expect(result.description).toContain('Europe/Berlin');
  });

  it("returns the engine's field errors instead of a preview", () => {
    const result = previewSchedule({ kind: 'cron', expression: '61 * * * * *' }, 'UTC', {}, 10, now);
    expect(result.entries).toEqual([]);
    expect(result.errors).toEqual([
      expect.objectContaining({ field: 'expression', message: expect.stringContaining('61 is out of range 0-59') }),
    ]);
  });

  it('refuses a schedule that can never fire, and one whose end bound is before its start', () => {
    expect(previewSchedule({ kind: 'cron', expression: '0 0 0 30 2 *' }, 'UTC', {}, 10, now).errors[0]).toMatchObject({
      field: 'expression',
    });
    const bounded = previewSchedule(
      { kind: 'interval', every: '1h' },
      'UTC',
      { startAt: '2027-05-01T00:00:00Z', endAt: '2027-04-01T00:00:00Z' },
      10,
      now,
    );
    expect(bounded.errors[0]).toMatchObject({ field: 'endAt' });
  });

  it('describes every kind in plain English', () => {
    expect(describeSchedule({ kind: 'interval', every: '90s' }, 'UTC')).toBe('Every 90 seconds');
    expect(describeSchedule({ kind: 'once', at: '2027-01-01T09:00:00Z' }, 'Europe/Berlin')).toBe(
      'Once, at 2027-01-01 10:00:00 GMT+1',
    );
    expect(
      describeSchedule(
        {
          kind: 'calendar',
          freq: 'weekly',
          times: ['09:00', '17:30'],
          daysOfWeek: ['MON', 'WED'],
          timezone: 'Europe/Berlin',
        },
        'Europe/Berlin',
      ),
    ).toBe('Every Mon and Wed at 09:00 and 17:30 (Europe/Berlin)');
    expect(
      describeSchedule(
        { kind: 'calendar', freq: 'monthly', times: ['08:00'], nthWeekday: [{ weekday: 'FRI', nth: -1 }] },
        'UTC',
      ),
    ).toBe('Monthly on the last Fri at 08:00 (UTC)');
  });
});
