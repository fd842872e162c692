import { CronSyntaxError, parseCron } from '../src/index';
import { firesAt, nextWalls, utc } from './helpers';

function rejects(expression: string, field?: string): CronSyntaxError {
  let caught: unknown;
  try {
    parseCron(expression);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CronSyntaxError);
  const error = caught as CronSyntaxError;
  if (field !== undefined) expect(error.field).toBe(field);
  expect(error.message.startsWith('CronPattern: ')).toBe(true);
  return error;
}

describe('OCPS 1.0', () => {
  test('§4.1 MUST consist of five fields: minute hour day-of-month month day-of-week', () => {
    expect(firesAt('15 10 * * *', '2025-03-10 10:15')).toBe(true);
    expect(firesAt('15 10 * * *', '2025-03-10 10:14')).toBe(false);
    rejects('* * * *', 'pattern');
    rejects('* * * * * * * *', 'pattern');
  });

  test('§4.1 MUST reject characters outside the allowed set with a clear error', () => {
    for (const bad of ['* * * * * !', '5$ * * * *', '* * * * MON%', '* * * ? * * x', '0 0 1 1 *;', 'é * * * *']) rejects(bad);
    expect(rejects('5 * $ * *').position).toBe(4);
  });

  test('§4.1 MUST ignore leading and trailing whitespace', () => {
    expect(parseCron('  \t15 10 * * *\t  ').next(utc('2025-03-10 00:00'))).toEqual(utc('2025-03-10 10:15'));
  });

  test('§4.1 MUST treat consecutive whitespace (space, tab) as one delimiter', () => {
    expect(parseCron('15 \t  10\t\t* *  *').next(utc('2025-03-10 00:00'))).toEqual(utc('2025-03-10 10:15'));
    rejects('15\n10 * * *');
  });

  test('§4.2 allowed values per field; out-of-range values MUST be parse errors (§6.2)', () => {
    rejects('60 0 * * *', 'minute');
    rejects('0 24 * * *', 'hour');
    rejects('0 0 0 * *', 'dayOfMonth');
    rejects('0 0 32 * *', 'dayOfMonth');
    rejects('0 0 * 0 *', 'month');
    rejects('0 0 * 13 *', 'month');
    rejects('0 0 * * 8', 'dayOfWeek');
    rejects('0-60 0 * * *', 'minute');
    expect(() => parseCron('59 23 31 12 7')).not.toThrow();
  });

  test('§4.2 month and day-of-week names MUST be case-insensitive', () => {
    expect(firesAt('30 8 * jan Mon', '2025-01-06 08:30')).toBe(true);
    expect(firesAt('30 8 * jan Mon', '2025-02-03 08:30')).toBe(false);
    expect(firesAt('30 8 * JAN-mar mon-FRI', '2025-03-03 08:30')).toBe(true);
  });

  test('§4.2 day-of-week 0 and 7 MUST both be Sunday', () => {
    expect(firesAt('0 0 * * 0', '2025-10-05 00:00')).toBe(true);
    expect(firesAt('0 0 * * 7', '2025-10-05 00:00')).toBe(true);
    expect(firesAt('0 0 * * 7', '2025-10-06 00:00')).toBe(false);
    expect(firesAt('0 0 * * 5-7', '2025-10-05 00:00')).toBe(true);
  });

  test('§5 wildcard, list, range and step', () => {
    expect(nextWalls('* * * * *', utc('2025-01-01 00:00'), 2)).toEqual(['2025-01-01 00:01:00', '2025-01-01 00:02:00']);
    expect(nextWalls('0,15,30,45 0 * * *', utc('2025-01-01 00:00'), 3)).toEqual(['2025-01-01 00:15:00', '2025-01-01 00:30:00', '2025-01-01 00:45:00']);
    expect(nextWalls('0 9-11 * * *', utc('2025-01-01 00:00'), 3)).toEqual(['2025-01-01 09:00:00', '2025-01-01 10:00:00', '2025-01-01 11:00:00']);
    expect(nextWalls('*/20 0 * * *', utc('2025-01-01 00:00'), 2)).toEqual(['2025-01-01 00:20:00', '2025-01-01 00:40:00']);
  });

  test('§5 step over an explicit range: 5-59/15 yields 5,20,35,50', () => {
    for (const m of ['05', '20', '35', '50']) expect(firesAt('5-59/15 9 * * *', `2025-03-10 09:${m}`)).toBe(true);
    expect(firesAt('5-59/15 9 * * *', '2025-03-10 09:15')).toBe(false);
    expect(nextWalls('0-30/10 0 * * *', utc('2024-12-31 23:59'), 4)).toEqual(['2025-01-01 00:00:00', '2025-01-01 00:10:00', '2025-01-01 00:20:00', '2025-01-01 00:30:00']);
  });

  test('§5.1 list entries are unions; every entry MUST be validated even after *', () => {
    expect(firesAt('*,1-30 0 * * *', '2025-03-10 00:45')).toBe(true);
    rejects('*,*,61 * * * *', 'minute');
    expect(rejects('*,*,61 * * * *').position).toBe(4);
  });

  test('§6.1 restricted day-of-month and day-of-week combine with OR', () => {
    expect(firesAt('0 12 1 * MON', '2025-10-01 12:00')).toBe(true);
    expect(firesAt('0 12 1 * MON', '2025-10-06 12:00')).toBe(true);
    expect(firesAt('0 12 1 * MON', '2025-10-07 12:00')).toBe(false);
  });

  test('§6.1 a leading * leaves the field unrestricted; a full range stays restricted', () => {
    expect(firesAt('0 12 * * MON', '2025-10-06 12:00')).toBe(true);
    expect(firesAt('0 12 * * MON', '2025-10-07 12:00')).toBe(false);
    expect(firesAt('0 12 1-31 * MON', '2025-10-07 12:00')).toBe(true);
    expect(firesAt('0 12 *,1 * MON', '2025-10-07 12:00')).toBe(false);
  });

  test('§6.2 reversed ranges MUST be parse errors', () => {
    expect(rejects('0 0 10-5 * *', 'dayOfMonth').position).toBe(4);
    rejects('0 0 * * FRI-MON', 'dayOfWeek');
  });

  test('§6.2 a step of 0 MUST be a parse error', () => {
    rejects('*/0 * * * *', 'minute');
    rejects('0 0-23/0 * * *', 'hour');
  });

  test('§6.2 (1.1) step without * or full range MUST be a parse error: /30, 0/15, 10/10', () => {
    rejects('0 0 /30 * *', 'dayOfMonth');
    rejects('0/15 * * * *', 'minute');
    rejects('10/10 * * * *', 'minute');
    rejects('-5/2 * * * *', 'minute');
    expect(() => parseCron('10-50/10 * * * *')).not.toThrow();
  });

  test('§6.2 impossible dates MUST parse; the iterator SHOULD indicate no run (null)', () => {
    const cron = parseCron('* * 31 2 *');
    expect(cron.neverFires).toBe(true);
    expect(cron.next(utc('2025-01-01 00:00'))).toBeNull();
    expect(cron.prev(utc('2025-01-01 00:00'))).toBeNull();
    expect(parseCron('0 0 0 30 2 *').next(utc('2025-01-01 00:00'))).toBeNull();
  });

  test('§6.3 options alter behaviour only when given; defaults are the conformant ones', () => {
    expect(firesAt('0 12 1 * MON', '2025-10-06 12:00', {})).toBe(true);
    expect(firesAt('0 12 1 * MON', '2025-10-06 12:00', { dayMatch: 'and' })).toBe(false);
  });

  test('§6.4 patterns are read in the configured local time (UTC unless a zone is given)', () => {
    expect(parseCron('0 9 * * *').next(utc('2025-01-01 00:00'))).toEqual(utc('2025-01-01 09:00'));
    expect(parseCron('0 9 * * *', { timezone: 'Asia/Tokyo' }).next(utc('2025-01-01 00:00'))).toEqual(utc('2025-01-02 00:00'));
  });
});

describe('OCPS 1.1', () => {
  test.each([
    ['@yearly', '2026-01-01 00:00', '2026-01-02 00:00'],
    ['@annually', '2026-01-01 00:00', '2026-02-01 00:00'],
    ['@monthly', '2026-02-01 00:00', '2026-02-02 00:00'],
    ['@weekly', '2025-10-05 00:00', '2025-10-06 00:00'],
    ['@daily', '2025-10-07 00:00', '2025-10-07 00:01'],
    ['@midnight', '2025-10-07 00:00', '2025-10-07 01:00'],
    ['@hourly', '2025-10-07 10:00', '2025-10-07 10:01'],
  ])('§7.1 nickname %s MUST be recognised', (nickname, yes, no) => {
    expect(firesAt(nickname, yes)).toBe(true);
    expect(firesAt(nickname, no)).toBe(false);
  });

  test('§7.1 nicknames are equivalent to their 5-field patterns', () => {
    const after = utc('2025-06-15 13:37');
    for (const [nick, equivalent] of [
      ['@yearly', '0 0 1 1 *'],
      ['@monthly', '0 0 1 * *'],
      ['@weekly', '0 0 * * 0'],
      ['@daily', '0 0 * * *'],
      ['@hourly', '0 * * * *'],
    ]) {
      expect(parseCron(nick).nextN(5, after)).toEqual(parseCron(equivalent).nextN(5, after));
    }
  });

  test('§7.1 nicknames MUST be case-sensitive and MUST NOT combine with fields; whitespace around is ignored', () => {
    rejects('@Daily', 'pattern');
    rejects('@DAILY', 'pattern');
    rejects('@daily 0 0 * * *', 'pattern');
    rejects('@fortnightly', 'pattern');
    expect(() => parseCron('  @daily\t')).not.toThrow();
  });

  test('§7.2 @reboot MUST parse; asking it for times gives a clear runtime error', () => {
    const reboot = parseCron('@reboot');
    expect(reboot.isReboot).toBe(true);
    expect(() => reboot.next(utc('2025-01-01 00:00'))).toThrow(/@reboot is not supported here/);
    expect(reboot.describe()).toContain('startup');
  });
});

describe('OCPS 1.2', () => {
  test('§4.2 five-field patterns default seconds to 0', () => {
    expect(firesAt('15 10 * * *', '2025-03-10 10:15:00')).toBe(true);
    expect(firesAt('15 10 * * *', '2025-03-10 10:15:30')).toBe(false);
  });

  test('§4.2 six-field patterns match explicit seconds', () => {
    expect(firesAt('30 15 10 * * *', '2025-03-10 10:15:30')).toBe(true);
    expect(firesAt('30 15 10 * * *', '2025-03-10 10:15:29')).toBe(false);
    expect(nextWalls('*/20 * * * * *', utc('2025-01-01 00:00'), 3)).toEqual(['2025-01-01 00:00:20', '2025-01-01 00:00:40', '2025-01-01 00:01:00']);
  });

  test('§4.3 seven-field patterns constrain the year', () => {
    expect(firesAt('0 15 10 * * * 2025', '2025-03-10 10:15:00')).toBe(true);
    expect(firesAt('0 15 10 * * * 2025', '2026-03-10 10:15:00')).toBe(false);
    expect(parseCron('0 0 12 1 1 * 2025-2030').nextN(10, utc('2020-01-01 00:00')).map((d) => d.getUTCFullYear())).toEqual([2025, 2026, 2027, 2028, 2029, 2030]);
    expect(parseCron('0 0 0 1 1 * 2025,2027').next(utc('2025-06-01 00:00'))).toEqual(utc('2027-01-01 00:00'));
  });

  test('§4.1 year range 1970-2199 (documented, OCPS 1.4 §4.3.2); stepping starts at 1970', () => {
    expect(firesAt('0 0 0 1 1 * 1970-2199/2', '2026-01-01 00:00:00')).toBe(true);
    expect(firesAt('0 0 0 1 1 * 1970-2199/2', '2025-01-01 00:00:00')).toBe(false);
    expect(firesAt('0 0 0 1 1 * */2', '2026-01-01 00:00:00')).toBe(true);
    rejects('0 0 0 1 1 * 1969', 'year');
    rejects('0 0 0 1 1 * 2200', 'year');
  });

  test('§3 a parser MUST accept 5, 6 and 7 field patterns', () => {
    for (const p of ['15 10 * * *', '30 15 10 * * *', '0 15 10 * * * 2025']) expect(() => parseCron(p)).not.toThrow();
  });

  test('§4.2 nicknames carry second 0', () => {
    expect(firesAt('@hourly', '2025-10-07 10:00:00')).toBe(true);
    expect(firesAt('@hourly', '2025-10-07 10:00:01')).toBe(false);
  });
});

describe('OCPS 1.3', () => {
  test('§4.1 L in day-of-month is the last day of the month', () => {
    expect(firesAt('0 0 L * *', '2025-02-28 00:00')).toBe(true);
    expect(firesAt('0 0 L * *', '2025-02-27 00:00')).toBe(false);
    expect(firesAt('0 0 L * *', '2024-02-29 00:00')).toBe(true);
    expect(nextWalls('0 0 L * *', utc('2025-01-01 00:00'), 4)).toEqual(['2025-01-31 00:00:00', '2025-02-28 00:00:00', '2025-03-31 00:00:00', '2025-04-30 00:00:00']);
    expect(firesAt('0 0 1,L * *', '2025-04-01 00:00')).toBe(true);
  });

  test('§4.1 nL and n#L in day-of-week are the last such weekday (#L recommended)', () => {
    expect(firesAt('0 0 * * FRI#L', '2025-02-28 00:00')).toBe(true);
    expect(firesAt('0 0 * * FRI#L', '2025-02-21 00:00')).toBe(false);
    expect(firesAt('0 0 * * 5L', '2025-02-28 00:00')).toBe(true);
    expect(firesAt('0 0 * * 5#L', '2025-02-21 00:00')).toBe(false);
    expect(firesAt('0 0 * * 0L', '2025-08-31 00:00')).toBe(true);
    expect(firesAt('0 0 * * 7L', '2025-08-31 00:00')).toBe(true);
  });

  test('§4.2 D#N is the nth weekday (N 1-5)', () => {
    expect(firesAt('0 0 * * TUE#3', '2025-06-17 00:00')).toBe(true);
    expect(firesAt('0 0 * * TUE#3', '2025-06-10 00:00')).toBe(false);
    expect(firesAt('0 0 * * 2#3', '2025-06-17 00:00')).toBe(true);
    expect(firesAt('0 0 * * MON#1', '2025-09-01 00:00')).toBe(true);
    expect(nextWalls('0 0 * * 5#5', utc('2025-01-01 00:00'), 2)).toEqual(['2025-01-31 00:00:00', '2025-05-30 00:00:00']);
    rejects('0 0 * * 1#6', 'dayOfWeek');
    rejects('0 0 * * 1#0', 'dayOfWeek');
    rejects('0 0 1#1 * *', 'dayOfMonth');
  });

  test('§4.3 W is the closest weekday: weekday itself, Saturday -> Friday, Sunday -> Monday', () => {
    expect(firesAt('0 12 15W * *', '2025-10-15 12:00')).toBe(true); // Wednesday
    expect(firesAt('0 12 15W * *', '2025-11-14 12:00')).toBe(true); // 15th is Saturday
    expect(firesAt('0 12 15W * *', '2025-06-16 12:00')).toBe(true); // 15th is Sunday
    expect(firesAt('0 12 15W * *', '2025-06-15 12:00')).toBe(false);
  });

  test('§4.3 W never crosses a month boundary', () => {
    expect(firesAt('0 12 1W * *', '2025-02-03 12:00')).toBe(true);
    expect(firesAt('0 12 1W * *', '2025-02-01 12:00')).toBe(false);
    expect(firesAt('0 12 1W * *', '2025-01-31 12:00')).toBe(false);
    expect(firesAt('0 12 31W * *', '2025-08-29 12:00')).toBe(true); // Aug 31 2025 is Sunday
    expect(parseCron('0 12 31W 4 *').next(utc('2025-01-01 00:00'))).toBeNull(); // no April 31st
  });

  test('§4.3 W cannot be used with ranges or lists', () => {
    rejects('0 12 1-15W * *', 'dayOfMonth');
    rejects('0 12 1W,15 * *', 'dayOfMonth');
    rejects('0 12 * * 1W', 'dayOfWeek');
  });

  test('LW is the last weekday of the month', () => {
    expect(firesAt('0 0 LW * *', '2025-05-30 00:00')).toBe(true); // May 31 2025 is Saturday
    expect(firesAt('0 0 LW * *', '2025-08-29 00:00')).toBe(true); // Aug 31 is Sunday
    expect(firesAt('0 0 LW * *', '2025-10-31 00:00')).toBe(true); // Friday
    rejects('0 0 LW,1 * *', 'dayOfMonth');
  });

  test('L, W and # are rejected outside their fields', () => {
    rejects('L * * * *', 'minute');
    rejects('0 L * * *', 'hour');
    rejects('0 0 * L *', 'month');
    rejects('0 0 * * L');
  });
});

describe('OCPS 1.4', () => {
  test('§4.1.1 restricted day fields default to logical OR', () => {
    for (const yes of ['2025-09-01 12:00', '2025-09-08 12:00', '2025-10-01 12:00']) expect(firesAt('0 12 1 * MON', yes)).toBe(true);
    expect(firesAt('0 12 1 * MON', '2025-10-07 12:00')).toBe(false);
  });

  test('§4.1.2 a +-prefixed day-of-week requires logical AND', () => {
    expect(firesAt('0 12 1 * +MON', '2025-09-01 12:00')).toBe(true);
    expect(firesAt('0 12 1 * +MON', '2025-09-08 12:00')).toBe(false);
    expect(firesAt('0 12 1 * +MON', '2025-10-01 12:00')).toBe(false);
    expect(parseCron('0 12 1 * +MON').describe()).toContain('if it is Monday');
  });

  test('§4.1.2 + anywhere but the first character of day-of-week MUST be a parse error', () => {
    rejects('0 12 +1 * MON', 'dayOfMonth');
    rejects('+0 12 1 * MON', 'minute');
    rejects('0 12 1 * MON+', 'dayOfWeek');
    rejects('0 12 1 * ++MON', 'dayOfWeek');
    rejects('0 12 1 * +', 'dayOfWeek');
  });

  test('§3.1 (draft) an optional AND mode: dayMatch "and"', () => {
    expect(firesAt('0 12 1 * MON', '2025-09-01 12:00', { dayMatch: 'and' })).toBe(true);
    expect(firesAt('0 12 1 * MON', '2025-09-08 12:00', { dayMatch: 'and' })).toBe(false);
  });

  test('§4.2 ? is an alias for * in day-of-month and day-of-week only', () => {
    expect(parseCron('0 12 ? * MON').nextN(3, utc('2025-10-01 00:00'))).toEqual(parseCron('0 12 * * MON').nextN(3, utc('2025-10-01 00:00')));
    expect(parseCron('0 12 1 * ?').nextN(3, utc('2025-10-01 00:00'))).toEqual(parseCron('0 12 1 * *').nextN(3, utc('2025-10-01 00:00')));
    rejects('? 12 * * *', 'minute');
    rejects('0 ? * * *', 'hour');
    rejects('0 0 * ? *', 'month');
    rejects('0 0 0 1 1 * ?', 'year');
  });

  test('§4.3.1 DST gap: a wall time that does not exist is skipped (default)', () => {
    const next = parseCron('30 2 * * *', { timezone: 'America/New_York' }).nextN(3, utc('2025-03-08 12:00'));
    expect(next.map((d) => d.toISOString())).toEqual(['2025-03-10T06:30:00.000Z', '2025-03-11T06:30:00.000Z', '2025-03-12T06:30:00.000Z']);
  });

  test('§4.3.1 DST overlap: a repeated wall time runs once, at the first instant (default)', () => {
    const next = parseCron('30 1 * * *', { timezone: 'America/New_York' }).nextN(2, utc('2025-11-01 12:00'));
    expect(next.map((d) => d.toISOString())).toEqual(['2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z']);
  });

  test('§4.3.2 finite documented range; searches beyond it return null', () => {
    expect(parseCron('0 0 1 1 *').next(utc('2199-06-01 00:00'))).toBeNull();
    expect(parseCron('0 0 1 1 *').prev(utc('1970-01-01 00:00'))).toBeNull();
    expect(parseCron('0 0 1 1 *').next(utc('2198-06-01 00:00'))).toEqual(utc('2199-01-01 00:00'));
    expect(parseCron('0 0 1 1 *').prev(utc('2200-01-01 00:00'))).toEqual(utc('2199-01-01 00:00'));
  });

  test('§4.3.2 a search from outside the documented range SHOULD fail with an out-of-range error', () => {
    expect(() => parseCron('0 0 1 1 *').next(utc('2300-01-01 00:00'))).toThrow(RangeError);
    expect(() => parseCron('0 0 1 1 *').prev(utc('1960-01-01 00:00'))).toThrow(/outside the supported range 1970-2199/);
    expect(parseCron('0 0 1 1 *').matches(utc('2300-01-01 00:00'))).toBe(false);
  });

  test('§4.3.2 the Proleptic Gregorian calendar: 1900 and 2100 are not leap years, 2000 is', () => {
    expect(parseCron('0 0 29 2 *').nextN(3, utc('2096-03-01 00:00')).map((d) => d.getUTCFullYear())).toEqual([2104, 2108, 2112]);
    expect(parseCron('0 0 29 2 *').prev(utc('2001-01-01 00:00'))).toEqual(utc('2000-02-29 00:00'));
  });
});
