import { CronSyntaxError, parseCron } from '../src/index';
import { utc } from './helpers';

/**
 * The machine-readable vectors of open-source-cron/ocps data/conformance-tests.json (schemaVersion 1),
 * transcribed. Times are wall times in the engine's default zone (UTC).
 */
type Vector =
  | { id: string; pattern: string; mustMatch: string[]; mustNotMatch: string[] }
  | { id: string; pattern: string; parse: 'accept' | 'reject' }
  | { id: string; pattern: string; equivalentTo: string };

const VECTORS: Vector[] = [
  { id: 'ocps-1.0-basic-5-field-matching', pattern: '15 10 * * *', mustMatch: ['2025-03-10 10:15'], mustNotMatch: ['2025-03-10 10:14'] },
  { id: 'ocps-1.0-case-insensitive-month-and-weekday-names', pattern: '30 8 * jan Mon', mustMatch: ['2025-01-06 08:30'], mustNotMatch: ['2025-02-03 08:30'] },
  { id: 'ocps-1.0-step-evaluation-over-explicit-range', pattern: '5-59/15 9 * * *', mustMatch: ['2025-03-10 09:05', '2025-03-10 09:20', '2025-03-10 09:35', '2025-03-10 09:50'], mustNotMatch: ['2025-03-10 09:15'] },
  { id: 'ocps-1.0-restricted-day-fields-use-logical-or', pattern: '0 12 1 * MON', mustMatch: ['2025-10-01 12:00', '2025-10-06 12:00'], mustNotMatch: ['2025-10-07 12:00'] },
  { id: 'ocps-1.0-leading-wildcard-is-unrestricted-for-section-6-1', pattern: '0 12 * * MON', mustMatch: ['2025-10-06 12:00'], mustNotMatch: ['2025-10-07 12:00'] },
  { id: 'ocps-1.0-full-range-expression-remains-restricted-for-section-6-1', pattern: '0 12 1-31 * MON', mustMatch: ['2025-10-06 12:00', '2025-10-07 12:00'], mustNotMatch: ['2025-10-08 11:00'] },
  { id: 'ocps-1.0-out-of-range-minute-rejected', pattern: '60 0 * * *', parse: 'reject' },
  { id: 'ocps-1.0-invalid-range-rejected', pattern: '0 0 10-5 * *', parse: 'reject' },
  { id: 'ocps-1.0-invalid-step-syntax-rejected', pattern: '0 0 /30 * *', parse: 'reject' },
  { id: 'ocps-1.0-impossible-date-is-syntactically-valid', pattern: '* * 31 2 *', parse: 'accept' },
  { id: 'ocps-1.1-yearly-nickname', pattern: '@yearly', mustMatch: ['2026-01-01 00:00'], mustNotMatch: ['2026-01-02 00:00'] },
  { id: 'ocps-1.1-monthly-nickname', pattern: '@monthly', mustMatch: ['2026-02-01 00:00'], mustNotMatch: ['2026-02-02 00:00'] },
  { id: 'ocps-1.1-weekly-nickname', pattern: '@weekly', mustMatch: ['2025-10-05 00:00'], mustNotMatch: ['2025-10-06 00:00'] },
  { id: 'ocps-1.1-daily-nickname', pattern: '@daily', mustMatch: ['2025-10-07 00:00'], mustNotMatch: ['2025-10-07 00:01'] },
  { id: 'ocps-1.1-hourly-nickname', pattern: '@hourly', mustMatch: ['2025-10-07 10:00'], mustNotMatch: ['2025-10-07 10:01'] },
  { id: 'ocps-1.1-daily-nickname-equivalence', pattern: '@daily', equivalentTo: '0 0 * * *' },
  { id: 'ocps-1.1-nicknames-are-case-sensitive', pattern: '@Daily', parse: 'reject' },
  { id: 'ocps-1.1-nickname-cannot-be-combined-with-field-expression', pattern: '@daily 0 0 * * *', parse: 'reject' },
  { id: 'ocps-1.1-reboot-parse-and-runtime-handling', pattern: '@reboot', parse: 'accept' },
  { id: 'ocps-1.2-five-field-patterns-default-seconds-to-zero', pattern: '15 10 * * *', mustMatch: ['2025-03-10 10:15:00'], mustNotMatch: ['2025-03-10 10:15:30'] },
  { id: 'ocps-1.2-six-field-patterns-match-explicit-seconds', pattern: '30 15 10 * * *', mustMatch: ['2025-03-10 10:15:30'], mustNotMatch: ['2025-03-10 10:15:29'] },
  { id: 'ocps-1.2-seven-field-patterns-constrain-year', pattern: '0 15 10 * * * 2025', mustMatch: ['2025-03-10 10:15:00'], mustNotMatch: ['2026-03-10 10:15:00'] },
  { id: 'ocps-1.2-range-step-begins-at-1970', pattern: '0 0 0 1 1 * 1970-2199/2', mustMatch: ['2026-01-01 00:00:00'], mustNotMatch: ['2025-01-01 00:00:00'] },
  { id: 'ocps-1.2-parser-accepts-5-field-patterns', pattern: '15 10 * * *', parse: 'accept' },
  { id: 'ocps-1.2-parser-accepts-6-field-patterns', pattern: '30 15 10 * * *', parse: 'accept' },
  { id: 'ocps-1.2-parser-accepts-7-field-patterns', pattern: '0 15 10 * * * 2025', parse: 'accept' },
  // ocps-1.2-years-before-1970-are-non-portable: allowed only when a documented range includes it; ours (1970-2199) does not.
  { id: 'ocps-1.2-years-before-1970-are-non-portable', pattern: '0 0 0 1 1 * 1969', parse: 'reject' },
  { id: 'ocps-1.3-last-day-of-month', pattern: '0 0 L * *', mustMatch: ['2025-02-28 00:00'], mustNotMatch: ['2025-02-27 00:00'] },
  { id: 'ocps-1.3-last-weekday-of-month', pattern: '0 0 * * FRI#L', mustMatch: ['2025-02-28 00:00'], mustNotMatch: ['2025-02-21 00:00'] },
  { id: 'ocps-1.3-nth-weekday-of-month', pattern: '0 0 * * TUE#3', mustMatch: ['2025-06-17 00:00'], mustNotMatch: ['2025-06-10 00:00'] },
  { id: 'ocps-1.3-closest-weekday-within-month', pattern: '0 12 15W * *', mustMatch: ['2025-06-16 12:00'], mustNotMatch: ['2025-06-15 12:00'] },
  { id: 'ocps-1.3-closest-weekday-does-not-cross-month-boundary', pattern: '0 12 1W * *', mustMatch: ['2025-02-03 12:00'], mustNotMatch: ['2025-02-01 12:00'] },
  { id: 'ocps-1.3-w-cannot-be-combined-with-range', pattern: '0 12 1-15W * *', parse: 'reject' },
  { id: 'ocps-1.4-restricted-day-fields-default-to-logical-or', pattern: '0 12 1 * MON', mustMatch: ['2025-09-01 12:00', '2025-09-08 12:00', '2025-10-01 12:00'], mustNotMatch: ['2025-10-07 12:00'] },
  { id: 'ocps-1.4-plus-prefix-requires-logical-and', pattern: '0 12 1 * +MON', mustMatch: ['2025-09-01 12:00'], mustNotMatch: ['2025-09-08 12:00', '2025-10-01 12:00'] },
  { id: 'ocps-1.4-plus-must-prefix-day-of-week-expression', pattern: '0 12 +1 * MON', parse: 'reject' },
  { id: 'ocps-1.4-question-mark-invalid-outside-day-fields', pattern: '? 12 * * *', parse: 'reject' },
];

describe('OCPS conformance vectors (data/conformance-tests.json)', () => {
  test.each(VECTORS.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    if ('parse' in vector) {
      if (vector.parse === 'accept') expect(() => parseCron(vector.pattern)).not.toThrow();
      else expect(() => parseCron(vector.pattern)).toThrow(CronSyntaxError);
    } else if ('equivalentTo' in vector) {
      const from = utc('2025-01-01 00:00');
      expect(parseCron(vector.pattern).nextN(50, from)).toEqual(parseCron(vector.equivalentTo).nextN(50, from));
    } else {
      const cron = parseCron(vector.pattern);
      for (const at of vector.mustMatch) expect([at, cron.matches(utc(at))]).toEqual([at, true]);
      for (const at of vector.mustNotMatch) expect([at, cron.matches(utc(at))]).toEqual([at, false]);
    }
  });
});
