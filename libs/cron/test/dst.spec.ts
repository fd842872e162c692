import { parseCron } from '../src/index';
import { isoList, present, wall } from './helpers';

const at = (iso: string) => new Date(iso);

describe('DST: America/New_York (2025-03-09 spring forward, 2025-11-02 fall back)', () => {
  const tz = 'America/New_York';

  test('gap: 02:30 is skipped by default, shifted to 03:30 with dst.gap = shift', () => {
    expect(isoList(parseCron('30 2 * * *', { timezone: tz }).nextN(2, at('2025-03-08T12:00:00Z')))).toEqual(['2025-03-10T06:30:00.000Z', '2025-03-11T06:30:00.000Z']);
    const shifted = parseCron('30 2 * * *', { timezone: tz, dst: { gap: 'shift' } });
    expect(isoList(shifted.nextN(2, at('2025-03-08T12:00:00Z')))).toEqual(['2025-03-09T07:30:00.000Z', '2025-03-10T06:30:00.000Z']);
    expect(wall(present(shifted.next(at('2025-03-08T12:00:00Z'))), tz)).toBe('2025-03-09 03:30:00');
    expect(shifted.matches(at('2025-03-09T07:30:00Z'))).toBe(true);
    expect(isoList([shifted.prev(at('2025-03-10T00:00:00Z'))])).toEqual(['2025-03-09T07:30:00.000Z']);
  });

  test('overlap: 01:30 fires once at its first instant by default, twice with dst.overlap = both', () => {
    const first = parseCron('30 1 * * *', { timezone: tz });
    expect(isoList(first.nextN(2, at('2025-11-01T12:00:00Z')))).toEqual(['2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z']);
    expect(first.matches(at('2025-11-02T05:30:00Z'))).toBe(true);
    expect(first.matches(at('2025-11-02T06:30:00Z'))).toBe(false);
    expect(isoList([first.prev(at('2025-11-03T00:00:00Z'))])).toEqual(['2025-11-02T05:30:00.000Z']);
    expect(isoList([first.next(at('2025-11-02T06:10:00Z'))])).toEqual(['2025-11-03T06:30:00.000Z']);
    const both = parseCron('30 1 * * *', { timezone: tz, dst: { overlap: 'both' } });
    expect(isoList(both.nextN(3, at('2025-11-01T12:00:00Z')))).toEqual(['2025-11-02T05:30:00.000Z', '2025-11-02T06:30:00.000Z', '2025-11-03T06:30:00.000Z']);
    expect(isoList([both.prev(at('2025-11-03T00:00:00Z'))])).toEqual(['2025-11-02T06:30:00.000Z']);
  });

  test('an hour wildcard follows elapsed time through both passes of the overlap', () => {
    expect(isoList(parseCron('0 * * * *', { timezone: tz }).nextN(4, at('2025-11-02T03:30:00Z')))).toEqual([
      '2025-11-02T04:00:00.000Z',
      '2025-11-02T05:00:00.000Z',
      '2025-11-02T06:00:00.000Z',
      '2025-11-02T07:00:00.000Z',
    ]);
    expect(isoList([parseCron('*/20 * * * *', { timezone: tz }).prev(at('2025-11-02T06:05:00Z'))])).toEqual(['2025-11-02T06:00:00.000Z']);
  });

  test('an hour wildcard never goes silent in the gap (*/30 minutes keeps a 30 minute rhythm)', () => {
    const fires = parseCron('0 */30 * * * *', { timezone: tz }).nextN(4, at('2025-03-09T06:00:00Z'));
    expect(isoList(fires)).toEqual(['2025-03-09T06:30:00.000Z', '2025-03-09T07:00:00.000Z', '2025-03-09T07:30:00.000Z', '2025-03-09T08:00:00.000Z']);
    expect(fires.map((d) => wall(d, tz))).toEqual(['2025-03-09 01:30:00', '2025-03-09 03:00:00', '2025-03-09 03:30:00', '2025-03-09 04:00:00']);
  });

  test('previews mark skipped, shifted and repeated occurrences', () => {
    const skipped = parseCron('30 2 * * *', { timezone: tz }).preview(2, at('2025-03-08T12:00:00Z'));
    expect(skipped.map((o) => [o.local, o.dst])).toEqual([
      ['2025-03-09T02:30:00', 'skipped'],
      ['2025-03-10T02:30:00', 'none'],
      ['2025-03-11T02:30:00', 'none'],
    ]);
    expect(skipped[0].at).toBeNull();
    const shifted = parseCron('30 2 * * *', { timezone: tz, dst: { gap: 'shift' } }).preview(1, at('2025-03-08T12:00:00Z'));
    expect(shifted.map((o) => [o.at?.toISOString(), o.dst])).toEqual([['2025-03-09T07:30:00.000Z', 'shifted']]);
    const repeated = parseCron('30 1 * * *', { timezone: tz, dst: { overlap: 'both' } }).preview(2, at('2025-11-01T12:00:00Z'));
    expect(repeated.map((o) => o.dst)).toEqual(['none', 'repeated']);
  });
});

describe('DST: Europe/Berlin (2025-03-30 02:00 -> 03:00, 2025-10-26 03:00 -> 02:00)', () => {
  const tz = 'Europe/Berlin';
  test('gap skipped, overlap first', () => {
    expect(isoList(parseCron('30 2 * * *', { timezone: tz }).nextN(2, at('2025-03-29T12:00:00Z')))).toEqual(['2025-03-31T00:30:00.000Z', '2025-04-01T00:30:00.000Z']);
    expect(isoList(parseCron('30 2 * * *', { timezone: tz }).nextN(2, at('2025-10-25T12:00:00Z')))).toEqual(['2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z']);
    expect(isoList(parseCron('30 2 * * *', { timezone: tz, dst: { overlap: 'both' } }).nextN(2, at('2025-10-25T12:00:00Z')))).toEqual(['2025-10-26T00:30:00.000Z', '2025-10-26T01:30:00.000Z']);
  });
  test('New Year in Berlin is 23:00 UTC', () => {
    expect(isoList([parseCron('@yearly', { timezone: tz }).next(at('2025-06-01T00:00:00Z'))])).toEqual(['2025-12-31T23:00:00.000Z']);
  });
});

describe('DST: Australia/Lord_Howe (30-minute shift; 2025-04-06 02:00 -> 01:30, 2025-10-05 02:00 -> 02:30)', () => {
  const tz = 'Australia/Lord_Howe';
  test('gap of 30 minutes: 02:15 skipped, or shifted by 30 minutes to 02:45', () => {
    expect(isoList(parseCron('15 2 * * *', { timezone: tz }).nextN(2, at('2025-10-03T17:00:00Z')))).toEqual(['2025-10-05T15:15:00.000Z', '2025-10-06T15:15:00.000Z']);
    const shifted = parseCron('15 2 * * *', { timezone: tz, dst: { gap: 'shift' } }).next(at('2025-10-03T17:00:00Z'));
    expect(shifted?.toISOString()).toBe('2025-10-04T15:45:00.000Z');
    expect(wall(present(shifted), tz)).toBe('2025-10-05 02:45:00');
    expect(wall(present(parseCron('45 2 * * *', { timezone: tz }).next(at('2025-10-03T17:00:00Z'))), tz)).toBe('2025-10-05 02:45:00');
  });
  test('overlap of 30 minutes: 01:45 first instant only; a wildcard hour keeps 15-minute rhythm', () => {
    expect(isoList(parseCron('45 1 * * *', { timezone: tz }).nextN(2, at('2025-04-05T12:00:00Z')))).toEqual(['2025-04-05T14:45:00.000Z', '2025-04-06T15:15:00.000Z']);
    expect(isoList(parseCron('*/15 * * * *', { timezone: tz }).nextN(4, at('2025-04-05T14:30:00Z')))).toEqual([
      '2025-04-05T14:45:00.000Z',
      '2025-04-05T15:00:00.000Z',
      '2025-04-05T15:15:00.000Z',
      '2025-04-05T15:30:00.000Z',
    ]);
  });
});

describe('Asia/Kathmandu (+05:45; 1986-01-01 moved from +05:30 to +05:45)', () => {
  const tz = 'Asia/Kathmandu';
  test('quarter-hour offset', () => {
    expect(isoList([parseCron('0 9 * * *', { timezone: tz }).next(at('2025-06-01T00:00:00Z'))])).toEqual(['2025-06-01T03:15:00.000Z']);
  });
  test('the 15-minute gap at 1986-01-01 00:00 removes 00:10 (or shifts it to 00:25)', () => {
    expect(isoList([parseCron('10 0 1 1 *', { timezone: tz }).next(at('1985-06-01T00:00:00Z'))])).toEqual(['1986-12-31T18:25:00.000Z']);
    const shifted = parseCron('10 0 1 1 *', { timezone: tz, dst: { gap: 'shift' } }).next(at('1985-06-01T00:00:00Z'));
    expect(wall(present(shifted), tz)).toBe('1986-01-01 00:25:00');
  });
});

describe('Pacific/Apia (2011-12-30 did not exist)', () => {
  const tz = 'Pacific/Apia';
  test('a daily job skips the missing day', () => {
    const fires = parseCron('0 12 * * *', { timezone: tz }).nextN(2, at('2011-12-29T00:00:00Z'));
    expect(fires.map((d) => wall(d, tz))).toEqual(['2011-12-29 12:00:00', '2011-12-31 12:00:00']);
    expect(isoList(fires)).toEqual(['2011-12-29T22:00:00.000Z', '2011-12-30T22:00:00.000Z']);
    const preview = parseCron('0 12 * * *', { timezone: tz }).preview(2, at('2011-12-29T00:00:00Z'));
    expect(preview.map((o) => [o.local, o.dst])).toEqual([
      ['2011-12-29T12:00:00', 'none'],
      ['2011-12-30T12:00:00', 'skipped'],
      ['2011-12-31T12:00:00', 'none'],
    ]);
  });
  test('an hourly job runs on through the date-line jump', () => {
    const fires = parseCron('0 * * * *', { timezone: tz }).nextN(3, at('2011-12-30T08:30:00Z'));
    expect(isoList(fires)).toEqual(['2011-12-30T09:00:00.000Z', '2011-12-30T10:00:00.000Z', '2011-12-30T11:00:00.000Z']);
    expect(fires.map((d) => wall(d, tz))).toEqual(['2011-12-29 23:00:00', '2011-12-31 00:00:00', '2011-12-31 01:00:00']);
  });
  test('prev walks back over the missing day', () => {
    expect(wall(present(parseCron('0 12 30 12 *', { timezone: tz }).prev(at('2012-06-01T00:00:00Z'))), tz)).toBe('2010-12-30 12:00:00');
  });
});

describe('leap days and year boundaries', () => {
  test('February 29th only in leap years (2100 is not one)', () => {
    const cron = parseCron('0 0 29 2 *');
    expect(isoList([cron.next(at('2025-01-01T00:00:00Z')), cron.prev(at('2028-01-01T00:00:00Z'))])).toEqual(['2028-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z']);
    expect(isoList([cron.next(at('2096-03-01T00:00:00Z'))])).toEqual(['2104-02-29T00:00:00.000Z']);
    expect(isoList([parseCron('0 0 L 2 *').next(at('2100-01-01T00:00:00Z'))])).toEqual(['2100-02-28T00:00:00.000Z']);
  });
  test('year boundaries', () => {
    expect(isoList([parseCron('59 59 23 31 12 *').next(at('2025-12-31T23:59:59Z'))])).toEqual(['2026-12-31T23:59:59.000Z']);
    expect(isoList([parseCron('0 0 1 1 *').next(at('2025-12-31T23:59:59.999Z'))])).toEqual(['2026-01-01T00:00:00.000Z']);
    expect(isoList([parseCron('* * * * * *').prev(at('2026-01-01T00:00:00Z'))])).toEqual(['2025-12-31T23:59:59.000Z']);
    expect(isoList([parseCron('* * * * * *').prev(at('2026-01-01T00:00:00.001Z'))])).toEqual(['2026-01-01T00:00:00.000Z']);
  });
  test('Feb 29 on a Monday with AND needs decades and stays bounded', () => {
    expect(isoList([parseCron('0 0 29 2 +MON').next(at('2025-01-01T00:00:00Z'))])).toEqual(['2044-02-29T00:00:00.000Z']);
  });
});
