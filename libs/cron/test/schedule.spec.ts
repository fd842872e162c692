import { ScheduleError, ScheduleSpec, parseDuration, schedule, validateSchedule } from '../src/index';
import { isoList, present, wall } from './helpers';

const at = (iso: string) => new Date(iso);

describe('schedule(): cron kind', () => {
  test('zone, dialect and dst are honoured', () => {
    const s = schedule({ kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' });
    expect(s.kind).toBe('cron');
    expect(isoList(s.nextN(2, at('2026-03-28T12:00:00Z')))).toEqual(['2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    const shifted = schedule({ kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin', dst: { gap: 'shift' } });
    expect(shifted.nextOccurrence(at('2026-03-28T12:00:00Z'))).toEqual({ at: at('2026-03-29T01:30:00Z'), local: '2026-03-29T02:30:00', dst: 'shifted' });
    expect(isoList([schedule({ kind: 'cron', expression: '0 0 12 ? * 1', dialect: 'quartz' }).next(at('2025-01-01T00:00:00Z'))])).toEqual(['2025-01-05T12:00:00.000Z']);
    expect(isoList([schedule({ kind: 'cron', expression: '0 0 13 * 5', dayMatch: 'and' }).next(at('2025-01-01T00:00:00Z'))])).toEqual(['2025-06-13T00:00:00.000Z']);
  });

  test('startAt / endAt bounds (both inclusive) apply to every kind', () => {
    const s = schedule({ kind: 'cron', expression: '0 * * * *' }, { startAt: '2026-01-01T05:00:00Z', endAt: at('2026-01-01T07:00:00Z') });
    expect(isoList(s.nextN(10, at('2026-01-01T00:00:00Z')))).toEqual(['2026-01-01T05:00:00.000Z', '2026-01-01T06:00:00.000Z', '2026-01-01T07:00:00.000Z']);
    expect(isoList([s.prev(at('2026-01-02T00:00:00Z')), s.prev(at('2026-01-01T05:00:00Z'))])).toEqual(['2026-01-01T07:00:00.000Z', null]);
    expect(() => schedule({ kind: 'once', at: '2027-01-01T00:00:00Z' }, { startAt: 'yesterday' })).toThrow(ScheduleError);
  });

  test('malformed specs throw ScheduleError naming the field', () => {
    expect(() => schedule({ kind: 'cron', expression: '0 60 * * *' })).toThrow(/schedule: expression: CronPattern: hour field: 60/);
    try {
      schedule({ kind: 'interval', every: '5x' });
    } catch (error) {
      expect(error).toBeInstanceOf(ScheduleError);
      expect((error as ScheduleError).field).toBe('every');
    }
    expect.assertions(3);
  });
});

describe('schedule(): interval kind', () => {
  test.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['PT30S', 30_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['P1DT12H', 129_600_000],
  ])('%s is %d ms', (every, ms) => {
    expect(parseDuration(every)).toBe(ms);
  });

  test.each(['0s', '5x', '', 'P', 'PT', 'P1M', 'P1Y', '1.5h', '-5m', 'PT0S'])('%s is refused', (every) => {
    expect(typeof parseDuration(every)).toBe('string');
  });

  test('months and years are refused with a reason', () => {
    expect(parseDuration('P1M')).toMatch(/no fixed length/);
  });

  test('anchored at startAt: the anchor fires, then every period of elapsed time', () => {
    const s = schedule({ kind: 'interval', every: '30s', startAt: '2026-01-01T00:00:00Z' });
    expect(isoList(s.nextN(3, at('2025-12-31T00:00:00Z')))).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:30.000Z', '2026-01-01T00:01:00.000Z']);
    expect(isoList([s.next(at('2026-01-01T00:00:10Z')), s.next(at('2026-01-01T00:00:30Z'))])).toEqual(['2026-01-01T00:00:30.000Z', '2026-01-01T00:01:00.000Z']);
    expect(isoList([s.prev(at('2026-01-01T00:00:30Z')), s.prev(at('2026-01-01T00:00:00Z'))])).toEqual(['2026-01-01T00:00:00.000Z', null]);
  });

  test('1d is 24 hours of elapsed time, not a calendar day', () => {
    const s = schedule({ kind: 'interval', every: '1d', startAt: '2026-03-28T12:00:00+01:00' });
    expect(isoList(s.nextN(3, at('2026-03-28T00:00:00Z')))).toEqual(['2026-03-28T11:00:00.000Z', '2026-03-29T11:00:00.000Z', '2026-03-30T11:00:00.000Z']);
  });

  test('without startAt the anchor is the Unix epoch', () => {
    expect(isoList([schedule({ kind: 'interval', every: '1h' }).next(at('2026-01-01T00:10:00Z'))])).toEqual(['2026-01-01T01:00:00.000Z']);
  });
});

describe('schedule(): once kind', () => {
  test('a single instant', () => {
    const s = schedule({ kind: 'once', at: '2027-01-01T09:00:00Z' });
    expect(isoList([s.next(at('2026-01-01T00:00:00Z')), s.next(at('2027-01-01T09:00:00Z'))])).toEqual(['2027-01-01T09:00:00.000Z', null]);
    expect(isoList([s.prev(at('2027-01-01T09:00:01Z')), s.prev(at('2027-01-01T09:00:00Z'))])).toEqual(['2027-01-01T09:00:00.000Z', null]);
    expect(isoList([schedule({ kind: 'once', at: '2027-01-01T10:00:00+01:00' }).next(at('2026-01-01T00:00:00Z'))])).toEqual(['2027-01-01T09:00:00.000Z']);
  });
});

describe('schedule(): calendar kind', () => {
  test('daily at two times in a zone', () => {
    const s = schedule({ kind: 'calendar', freq: 'daily', times: ['17:30', '09:00'], timezone: 'Europe/Berlin' });
    expect(s.nextN(3, at('2026-12-01T00:00:00Z')).map((d) => wall(d, 'Europe/Berlin'))).toEqual(['2026-12-01 09:00:00', '2026-12-01 17:30:00', '2026-12-02 09:00:00']);
  });

  test('weekly on listed weekdays, within startDate..endDate (inclusive)', () => {
    const s = schedule({ kind: 'calendar', freq: 'weekly', times: ['09:00'], daysOfWeek: ['MON', 'WED'], startDate: '2026-12-03', endDate: '2026-12-14' });
    expect(isoList(s.nextN(10, at('2026-11-01T00:00:00Z')))).toEqual(['2026-12-07T09:00:00.000Z', '2026-12-09T09:00:00.000Z', '2026-12-14T09:00:00.000Z']);
    expect(isoList([s.prev(at('2027-06-01T00:00:00Z'))])).toEqual(['2026-12-14T09:00:00.000Z']);
  });

  test('monthly on days of month (negative from the end) and nth weekdays', () => {
    const days = schedule({ kind: 'calendar', freq: 'monthly', times: ['08:00'], daysOfMonth: [1, 15, -1] });
    expect(isoList(days.nextN(4, at('2027-02-01T12:00:00Z')))).toEqual(['2027-02-15T08:00:00.000Z', '2027-02-28T08:00:00.000Z', '2027-03-01T08:00:00.000Z', '2027-03-15T08:00:00.000Z']);
    const nth = schedule({ kind: 'calendar', freq: 'monthly', times: ['08:00'], nthWeekday: [{ weekday: 'MON', nth: 1 }, { weekday: 'FRI', nth: -1 }] });
    expect(isoList(nth.nextN(3, at('2027-01-01T00:00:00Z')))).toEqual(['2027-01-04T08:00:00.000Z', '2027-01-29T08:00:00.000Z', '2027-02-01T08:00:00.000Z']);
    const the31st = schedule({ kind: 'calendar', freq: 'monthly', times: ['08:00'], daysOfMonth: [31] });
    expect(isoList(the31st.nextN(2, at('2027-04-01T00:00:00Z')))).toEqual(['2027-05-31T08:00:00.000Z', '2027-07-31T08:00:00.000Z']);
  });

  test('override dates: skip, shift to the next business day that is not itself overridden, add', () => {
    const spec: ScheduleSpec = {
      kind: 'calendar',
      freq: 'daily',
      times: ['09:00'],
      startDate: '2026-12-23',
      endDate: '2026-12-28',
      overrideDates: [
        { date: '2026-12-24', action: 'shift' },
        { date: '2026-12-25', action: 'skip' },
        { date: '2026-12-26', action: 'add', time: '10:00' },
        { date: '2026-12-31', action: 'add' },
      ],
    };
    const s = schedule(spec);
    expect(isoList(s.nextN(20, at('2026-12-01T00:00:00Z')))).toEqual([
      '2026-12-23T09:00:00.000Z',
      '2026-12-26T09:00:00.000Z',
      '2026-12-26T10:00:00.000Z',
      '2026-12-27T09:00:00.000Z',
      '2026-12-28T09:00:00.000Z', // the rule run of the 28th and the run shifted from the 24th coincide
      '2026-12-31T09:00:00.000Z',
    ]);
    expect(isoList([s.prev(at('2027-01-01T00:00:00Z'))])).toEqual(['2026-12-31T09:00:00.000Z']);
  });

  test('shift moves runs onto a business day at the rule times', () => {
    const s = schedule({ kind: 'calendar', freq: 'weekly', daysOfWeek: ['FRI'], times: ['16:00'], overrideDates: [{ date: '2027-01-01', action: 'shift' }] });
    expect(isoList(s.nextN(2, at('2026-12-30T00:00:00Z')))).toEqual(['2027-01-04T16:00:00.000Z', '2027-01-08T16:00:00.000Z']);
  });

  test('DST: a calendar time in the gap is skipped by default and marked in previews', () => {
    const spec: ScheduleSpec = { kind: 'calendar', freq: 'daily', times: ['02:30'], timezone: 'America/New_York' };
    const s = schedule(spec);
    expect(isoList(s.nextN(2, at('2027-03-13T12:00:00Z')))).toEqual(['2027-03-15T06:30:00.000Z', '2027-03-16T06:30:00.000Z']);
    expect(s.preview(2, at('2027-03-13T12:00:00Z')).map((o) => [o.local, o.dst])).toEqual([
      ['2027-03-14T02:30:00', 'skipped'],
      ['2027-03-15T02:30:00', 'none'],
      ['2027-03-16T02:30:00', 'none'],
    ]);
    const shifted = schedule({ ...spec, dst: { gap: 'shift' } });
    expect(shifted.nextOccurrence(at('2027-03-13T12:00:00Z'))).toEqual({ at: at('2027-03-14T07:30:00Z'), local: '2027-03-14T02:30:00', dst: 'shifted' });
  });

  test('DST: a calendar time in the overlap runs once, or twice with overlap both', () => {
    const spec: ScheduleSpec = { kind: 'calendar', freq: 'daily', times: ['01:30'], timezone: 'America/New_York' };
    expect(isoList(schedule(spec).nextN(2, at('2027-11-06T12:00:00Z')))).toEqual(['2027-11-07T05:30:00.000Z', '2027-11-08T06:30:00.000Z']);
    expect(isoList(schedule({ ...spec, dst: { overlap: 'both' } }).nextN(2, at('2027-11-06T12:00:00Z')))).toEqual(['2027-11-07T05:30:00.000Z', '2027-11-07T06:30:00.000Z']);
  });
});

describe('validateSchedule()', () => {
  const now = at('2026-06-01T00:00:00Z');

  test('valid specs return the next occurrences', () => {
    const result = validateSchedule({ kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' }, { now, count: 3 });
    expect(result).toEqual({ ok: true, next: [at('2026-06-01T00:30:00Z'), at('2026-06-02T00:30:00Z'), at('2026-06-03T00:30:00Z')] });
    expect(validateSchedule({ kind: 'interval', every: 'PT30S', startAt: '2026-06-01T00:00:00Z' }, { now }).ok).toBe(true);
  });

  test.each<[unknown, string, RegExp, number?]>([
    [{ kind: 'cron', expression: '0 0 0 30 2 *' }, 'expression', /can never fire/],
    [{ kind: 'cron', expression: '0 0 10-5 * *' }, 'expression', /reversed/, 4],
    [{ kind: 'cron', expression: '@reboot' }, 'expression', /event-based/],
    [{ kind: 'cron', expression: '0 0 0 1 1 * 2020' }, 'expression', /no occurrence after 2026-06-01/],
    [{ kind: 'cron', expression: '* * * * *', timezone: 'Europe/Atlantis' }, 'timezone', /unknown time zone 'Europe\/Atlantis'/],
    [{ kind: 'cron', expression: '* * * * *', dst: { gap: 'later' } }, 'dst.gap', /'skip' or 'shift'/],
    [{ kind: 'cron', expression: '* * * * *', dialect: 'unix' }, 'dialect', /'ocps' or 'quartz'/],
    [{ kind: 'cron', expression: '* * * * *', colour: 'red' }, 'colour', /unknown property/],
    [{ kind: 'interval', every: '90x' }, 'every', /not a duration/],
    [{ kind: 'interval', every: '1m', startAt: '2026-13-01T00:00:00Z' }, 'startAt', /ISO 8601/],
    [{ kind: 'once', at: '2026-05-31T23:59:59Z' }, 'at', /not in the future/],
    [{ kind: 'once', at: 'tomorrow' }, 'at', /ISO 8601/],
    [{ kind: 'calendar', freq: 'daily', times: ['09:00', '25:00'] }, 'times[1]', /not a time of day/],
    [{ kind: 'calendar', freq: 'weekly', times: ['09:00'] }, 'daysOfWeek', /needs daysOfWeek/],
    [{ kind: 'calendar', freq: 'weekly', times: ['09:00'], daysOfWeek: ['MON', 'FUN'] }, 'daysOfWeek[1]', /'FUN' is not one of/],
    [{ kind: 'calendar', freq: 'monthly', times: ['09:00'], daysOfMonth: [0] }, 'daysOfMonth[0]', /1-31/],
    [{ kind: 'calendar', freq: 'monthly', times: ['09:00'], nthWeekday: [{ weekday: 'MON', nth: 6 }] }, 'nthWeekday[0].nth', /1, 2, 3, 4, 5 or -1/],
    [{ kind: 'calendar', freq: 'daily', times: ['09:00'], startDate: '2027-01-10', endDate: '2027-01-01' }, 'endDate', /before startDate/],
    [{ kind: 'calendar', freq: 'daily', times: ['09:00'], overrideDates: [{ date: '2026-02-30', action: 'skip' }] }, 'overrideDates[0].date', /YYYY-MM-DD/],
    [{ kind: 'calendar', freq: 'daily', times: ['09:00'], overrideDates: [{ date: '2026-12-24', action: 'skip', time: '10:00' }] }, 'overrideDates[0].time', /only used with action 'add'/],
    [{ kind: 'calendar', freq: 'daily', times: ['09:00'], endDate: '2026-01-01' }, 'endDate', /no occurrence after/],
    [{ kind: 'cron', expression: '* * * * *', dst: { gap: 'skip', later: true } }, 'dst.later', /unknown property 'later'/],
    [{ kind: 'calendar', freq: 'daily', times: ['09:00'], overrideDates: [{ date: '2026-12-24', action: 'skip', note: 'x' }] }, 'overrideDates[0].note', /unknown property/],
    [{ kind: 'calendar', freq: 'daily', times: ['09:00'], overrideDates: [{ date: '2026-12-24', action: 'skip' }, { date: '2026-12-24', action: 'add' }] }, 'overrideDates[1].date', /already has an override \(overrideDates\[0\]\)/],
    [{ kind: 'weekly' }, 'kind', /must be one of/],
    [null, 'kind', /object/],
  ])('refuses %j: %s', (spec, field, message, ...rest) => {
    const position = rest[0];
    const result = validateSchedule(spec, { now });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((e) => e.field === field);
    expect(present(error, `error on ${field}`).message).toMatch(message);
    if (position !== undefined) expect(error?.position).toBe(position);
  });

  test('bounds given as options: end before start is refused', () => {
    const result = validateSchedule({ kind: 'cron', expression: '* * * * *' }, { now, startAt: '2027-01-02T00:00:00Z', endAt: '2027-01-01T00:00:00Z' });
    expect(result).toEqual({ ok: false, errors: [{ field: 'endAt', message: 'endAt is before startAt' }] });
  });

  test('bounds outside 1970-2199 are field errors, and a schedule starting after 2199 has no occurrence', () => {
    const result = validateSchedule({ kind: 'cron', expression: '* * * * *' }, { now, startAt: '2300-01-01T00:00:00Z' });
    expect(result).toEqual({ ok: false, errors: [{ field: 'startAt', message: 'startAt must lie in the years 1970-2199' }] });
    expect(schedule({ kind: 'cron', expression: '* * * * *' }, { startAt: '2300-01-01T00:00:00Z' }).next(now)).toBeNull();
    expect(schedule({ kind: 'cron', expression: '* * * * *' }, { endAt: '1960-01-01T00:00:00Z' }).prev(now)).toBeNull();
  });

  test('collects every error at once', () => {
    const result = validateSchedule({ kind: 'calendar', freq: 'hourly', times: [], timezone: 'Nowhere' }, { now });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field).sort()).toEqual(['freq', 'times', 'timezone']);
  });
});
