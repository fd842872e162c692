import { CronSyntaxError, parseCron } from '../src/index';
import { firesAt, nextWalls, utc } from './helpers';

function syntaxError(expression: string, options = {}): CronSyntaxError {
  try {
    parseCron(expression, options);
  } catch (error) {
    if (error instanceof CronSyntaxError) return error;
    throw error;
  }
  throw new Error(`'${expression}' parsed`);
}

describe('errors name the field and the position', () => {
  test.each([
    ['0 60 * * * *', 'minute', 2, /minute field: 60 is out of range 0-59/],
    ['0 0 25 * * *', 'hour', 4, /hour field: 25 is out of range 0-23/],
    ['0 0 12 1-32 * *', 'dayOfMonth', 9, /day-of-month field: 32 is out of range 1-31/],
    ['0 0 12 * FOO *', 'month', 9, /month field: 'FOO' is not a valid month value/],
    ['0 0 12 * * MON-XYZ', 'dayOfWeek', 15, /'XYZ' is not a valid day-of-week value/],
    ['0 0 12 * * * 1969', 'year', 13, /year field: 1969 is out of range 1970-2199/],
    ['*/0 * * * *', 'minute', 2, /step of 0/],
    ['0 0 * * 1,,2', 'dayOfWeek', 10, /empty list entry/],
    ['0 0 1 * MON+', 'dayOfWeek', 11, /'\+' is only allowed/],
  ])('%s -> %s at %d', (expression, field, position, message) => {
    const error = syntaxError(expression);
    expect(error.field).toBe(field);
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith('CronPattern: ')).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CronSyntaxError');
  });

  test('structural errors use field "pattern"', () => {
    expect(syntaxError('').field).toBe('pattern');
    expect(syntaxError('   ').message).toMatch(/empty/);
    expect(syntaxError('1 2 3').message).toMatch(/expected 5, 6 or 7 fields separated by spaces, found 3/);
    expect(syntaxError('* * * * * * * 1').position).toBe(14);
  });
});

describe('syntax elements', () => {
  test('names, 0 and 7 Sunday, SUN-SUN is one day, MON-SUN is every day', () => {
    expect(nextWalls('0 0 * * SUN-SUN', utc('2025-01-01 00:00'), 2)).toEqual(['2025-01-05 00:00:00', '2025-01-12 00:00:00']);
    expect(nextWalls('0 0 * * MON-SUN', utc('2025-01-01 00:00'), 2)).toEqual(['2025-01-02 00:00:00', '2025-01-03 00:00:00']);
    expect(nextWalls('0 0 * * SAT-SUN', utc('2025-01-01 00:00'), 2)).toEqual(['2025-01-04 00:00:00', '2025-01-05 00:00:00']);
    expect(nextWalls('0 0 * * 1-7/2', utc('2025-01-01 00:00'), 3)).toEqual(['2025-01-03 00:00:00', '2025-01-05 00:00:00', '2025-01-06 00:00:00']);
  });

  test('steps over wildcards start at the field minimum', () => {
    expect(nextWalls('0 0 */10 * *', utc('2025-01-01 00:00'), 4)).toEqual(['2025-01-11 00:00:00', '2025-01-21 00:00:00', '2025-01-31 00:00:00', '2025-02-01 00:00:00']);
    expect(nextWalls('0 0 1 */5 *', utc('2025-01-01 00:00'), 3)).toEqual(['2025-06-01 00:00:00', '2025-11-01 00:00:00', '2026-01-01 00:00:00']);
  });

  test('lists mixing values, ranges, steps and L', () => {
    expect(nextWalls('0 0 1,10-11,L 2 *', utc('2025-01-01 00:00'), 4)).toEqual(['2025-02-01 00:00:00', '2025-02-10 00:00:00', '2025-02-11 00:00:00', '2025-02-28 00:00:00']);
    expect(nextWalls('0 0 * * 1#1,FRI#L', utc('2025-01-01 00:00'), 3)).toEqual(['2025-01-06 00:00:00', '2025-01-31 00:00:00', '2025-02-03 00:00:00']);
  });

  test('a restricted day-of-month with * day-of-week matches the day-of-month only', () => {
    expect(firesAt('0 0 13 * *', '2025-06-13 00:00')).toBe(true);
    expect(firesAt('0 0 13 * *', '2025-06-14 00:00')).toBe(false);
  });

  test('dayMatch "and" combines restricted day fields with AND; OR is the default', () => {
    expect(nextWalls('0 0 13 * FRI', utc('2025-01-01 00:00'), 2, { dayMatch: 'and' })).toEqual(['2025-06-13 00:00:00', '2026-02-13 00:00:00']);
    expect(nextWalls('0 0 13 * FRI', utc('2025-01-01 00:00'), 2)).toEqual(['2025-01-03 00:00:00', '2025-01-10 00:00:00']);
  });

  test('invalid dialect and dayMatch options are rejected', () => {
    expect(() => parseCron('* * * * *', { dialect: 'vixie' as never })).toThrow(CronSyntaxError);
    expect(() => parseCron('* * * * *', { dayMatch: 'xor' as never })).toThrow(CronSyntaxError);
    expect(() => parseCron('* * * * *', { timezone: 'Mars/Olympus' })).toThrow(/unknown time zone 'Mars\/Olympus'/);
    expect(() => parseCron('* * * * *', { dst: { gap: 'later' as never } })).toThrow(/dst.gap/);
  });
});

describe('quartz dialect', () => {
  const quartz = { dialect: 'quartz' as const };
  test('0/15 steps from a start value; ? is required in one day field', () => {
    expect(nextWalls('0 0/15 * * * ?', utc('2025-01-01 00:00'), 3, quartz)).toEqual(['2025-01-01 00:15:00', '2025-01-01 00:30:00', '2025-01-01 00:45:00']);
    expect(nextWalls('0 5/20 * * * ?', utc('2025-01-01 00:00'), 3, quartz)).toEqual(['2025-01-01 00:05:00', '2025-01-01 00:25:00', '2025-01-01 00:45:00']);
    expect(syntaxError('0 0 12 * * *', quartz).message).toMatch(/'\?' in exactly one/);
    expect(syntaxError('0 0 12 1 * MON', quartz).field).toBe('dayOfMonth');
  });

  test('1 = Sunday ... 7 = Saturday; 0 is out of range; L alone is Saturday', () => {
    expect(nextWalls('0 0 12 ? * 1', utc('2025-01-01 00:00'), 1, quartz)).toEqual(['2025-01-05 12:00:00']);
    expect(nextWalls('0 0 12 ? * 2-6', utc('2025-01-03 13:00'), 2, quartz)).toEqual(['2025-01-06 12:00:00', '2025-01-07 12:00:00']);
    expect(nextWalls('0 0 12 ? * 6#3', utc('2025-01-01 00:00'), 1, quartz)).toEqual(['2025-01-17 12:00:00']);
    expect(nextWalls('0 0 12 ? * 6L', utc('2025-01-01 00:00'), 1, quartz)).toEqual(['2025-01-31 12:00:00']);
    expect(nextWalls('0 0 12 ? * L', utc('2025-01-01 00:00'), 1, quartz)).toEqual(['2025-01-04 12:00:00']);
    expect(syntaxError('0 0 12 ? * 0', quartz).field).toBe('dayOfWeek');
    expect(parseCron('0 0 12 ? * 2-6', quartz).describe()).toBe('At 12:00 on Monday through Friday');
  });

  test('EventBridge 6-field form (minute hour day month weekday year) is recognised by its ?', () => {
    expect(nextWalls('0 12 * * ? *', utc('2025-01-01 00:00'), 2, quartz)).toEqual(['2025-01-01 12:00:00', '2025-01-02 12:00:00']);
    expect(nextWalls('0 18 ? * MON-FRI 2027', utc('2025-01-01 00:00'), 1, quartz)).toEqual(['2027-01-01 18:00:00']);
    expect(nextWalls('0 0 12 ? * MON 2027', utc('2025-01-01 00:00'), 1, quartz)).toEqual(['2027-01-04 12:00:00']);
  });
});

describe('describe()', () => {
  test.each([
    ['31 * 10-15 1 * 1-5', 'At second 31 past every minute past every hour from 10 through 15 on day 1 of the month, or Monday through Friday'],
    ['0 9 * * 1-5', 'At 09:00 on Monday through Friday'],
    ['*/15 * * * *', 'Every 15 minutes'],
    ['* * * * * *', 'Every second'],
    ['30 */2 * * *', 'At minute 30 past every 2 hours'],
    ['0 0 L * *', 'At 00:00 on the last day of the month'],
    ['0 12 15W * *', 'At 12:00 on the weekday nearest day 15 of the month'],
    ['0 0 LW * *', 'At 00:00 on the last weekday of the month'],
    ['0 0 * * FRI#L', 'At 00:00 on the last Friday of the month'],
    ['0 0 * * 2#3', 'At 00:00 on the third Tuesday of the month'],
    ['0 12 1 * +MON', 'At 12:00 on day 1 of the month if it is Monday'],
    ['0 15,45 8-18/2 * JAN-MAR *', 'At minutes 15 and 45 past every 2 hours from 8 through 18 in January through March'],
    ['0 0 0 1 1 * 2027', 'At 00:00 on day 1 of the month in January in 2027'],
    ['@weekly', 'At 00:00 on Sunday'],
  ])('%s', (expression, text) => {
    expect(parseCron(expression).describe()).toBe(text);
  });
});
