import fc from 'fast-check';
import { CronSyntaxError, DstPolicy, ScheduleError, parseCron } from '../src/index';
import { Gen, mulberry32, randomExpression } from './random-cron';
import { present, wall } from './helpers';

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe'];
const TRANSITIONS = [
  Date.parse('2025-03-09T07:00:00Z'),
  Date.parse('2025-11-02T06:00:00Z'),
  Date.parse('2025-03-30T01:00:00Z'),
  Date.parse('2025-10-26T01:00:00Z'),
  Date.parse('2025-04-05T15:00:00Z'),
  Date.parse('2025-10-04T15:30:00Z'),
];
const HOUR = 3_600_000;

const expressionArb = fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) => randomExpression(new Gen(mulberry32(seed))));
const denseExpressionArb = fc
  .tuple(fc.constantFrom('*', '*/5', '*/7', '0,30', '15-45/10', '0'), fc.constantFrom('*', '*/2', '0-10', '*/15', '5'), fc.constantFrom('*', '*/3', '1-3', '2', '0-23/4'))
  .map(([s, m, h]) => `${s} ${m} ${h} * * *`);
const instantArb = fc.oneof(
  fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })).map(([t, d]) => t + d),
);
const dstArb: fc.Arbitrary<DstPolicy> = fc.record({ gap: fc.constantFrom('skip' as const, 'shift' as const), overlap: fc.constantFrom('first' as const, 'both' as const) });
const params = { seed: 424242, numRuns: 300 };

describe('properties (fast-check, seeded)', () => {
  test('next(t) > t, matches(next(t)), prev(next(t)) <= t', () => {
    fc.assert(
      fc.property(expressionArb, fc.constantFrom(...ZONES), instantArb, dstArb, (expression, timezone, t, dst) => {
        const cron = parseCron(expression, { timezone, dst });
        const next = cron.next(new Date(t));
        if (next === null) return true;
        expect(next.getTime()).toBeGreaterThan(t);
        expect(cron.matches(next)).toBe(true);
        const back = cron.prev(next);
        expect(back === null || back.getTime() <= t).toBe(true);
        return true;
      }),
      params,
    );
  });

  test('prev(t) < t, matches(prev(t)), next(prev(t)) >= t', () => {
    fc.assert(
      fc.property(expressionArb, fc.constantFrom(...ZONES), instantArb, dstArb, (expression, timezone, t, dst) => {
        const cron = parseCron(expression, { timezone, dst });
        const prev = cron.prev(new Date(t));
        if (prev === null) return true;
        expect(prev.getTime()).toBeLessThan(t);
        expect(cron.matches(prev)).toBe(true);
        expect(present(cron.next(prev)).getTime()).toBeGreaterThanOrEqual(t);
        return true;
      }),
      params,
    );
  });

  test('nothing matches strictly between t and next(t) (second by second, 2-hour windows, across DST changes)', () => {
    fc.assert(
      fc.property(fc.oneof(denseExpressionArb, expressionArb), fc.constantFrom(...ZONES), instantArb, dstArb, (expression, timezone, t, dst) => {
        const cron = parseCron(expression, { timezone, dst });
        const next = cron.next(new Date(t));
        const end = Math.min(next?.getTime() ?? Infinity, t + 2 * HOUR);
        for (let s = Math.floor(t / 1000) * 1000 + 1000; s < end; s += 1000) {
          if (cron.matches(new Date(s))) throw new Error(`${expression} in ${timezone} matches ${new Date(s).toISOString()} before next ${next?.toISOString()}`);
        }
        return true;
      }),
      { seed: 77, numRuns: 250 },
    );
  });

  test('nextN(n, t) is next applied n times', () => {
    fc.assert(
      fc.property(expressionArb, fc.constantFrom(...ZONES), instantArb, fc.integer({ min: 1, max: 8 }), (expression, timezone, t, n) => {
        const cron = parseCron(expression, { timezone });
        const list = cron.nextN(n, new Date(t));
        let cursor: Date | null = new Date(t);
        for (let i = 0; i < n; i++) {
          cursor = cursor === null ? null : cron.next(cursor);
          if (cursor === null) {
            expect(list.length).toBe(i);
            return true;
          }
          expect(list[i]).toEqual(cursor);
        }
        return true;
      }),
      params,
    );
  });

  test('wall times agree with Intl.formatToParts in many zones (offset engine)', () => {
    const zones = ['America/New_York', 'Europe/Dublin', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Apia', 'America/St_Johns', 'Africa/Casablanca', 'Pacific/Chatham', 'America/Sao_Paulo'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1970, 0, 2) / 1000, max: Date.UTC(2100, 0, 1) / 1000 }), (timezone, seconds) => {
        const t = seconds * 1000;
        const occurrence = parseCron('* * * * * *', { timezone, dst: { overlap: 'both' } }).nextOccurrence(new Date(t - 1000));
        expect(occurrence?.at?.getTime()).toBe(t);
        expect(present(occurrence).local.replace('T', ' ')).toBe(wall(new Date(t), timezone));
        return true;
      }),
      { seed: 99, numRuns: 2000 },
    );
  });
});

describe('fuzz', () => {
  test('100,000 random strings either parse or throw CronSyntaxError, and never hang', () => {
    const g = new Gen(mulberry32(1337));
    const alphabet = '0123456789*/,-#LW?+@ \t\nABCDEFGHIJKLMNOPQRSTUVWXYZaz!.:_';
    const tokens = ['*', '?', 'L', 'LW', '15W', '5L', 'FRI#L', '2#3', '+MON', 'MON-FRI', 'SUN-SUN', 'JAN', '*/5', '1-5', '0/15', '/30', '*/0', '60', '2199', '1969', ',', '@daily', '@reboot', '@Daily'];
    const after = new Date('2026-01-01T00:00:00Z');
    let parsed = 0;
    let slowest = 0;
    let slowestText = '';
    for (let i = 0; i < 100_000; i++) {
      let text = '';
      if (i % 2 === 0) {
        const length = g.int(0, 30);
        for (let c = 0; c < length; c++) text += alphabet[g.int(0, alphabet.length - 1)];
      } else {
        const count = g.chance(0.8) ? g.int(5, 7) : g.int(1, 8);
        const parts: string[] = [];
        for (let c = 0; c < count; c++) parts.push(g.chance(0.3) ? g.pick(tokens) : g.chance(0.5) ? '*' : String(g.int(0, 70)));
        text = parts.join(g.chance(0.9) ? ' ' : '');
      }
      const started = performance.now();
      try {
        const cron = parseCron(text, { timezone: i % 3 === 0 ? 'America/New_York' : undefined });
        parsed++;
        try {
          cron.next(after);
          cron.prev(after);
        } catch (error) {
          if (!(error instanceof ScheduleError && cron.isReboot)) throw error;
        }
      } catch (error) {
        if (!(error instanceof CronSyntaxError)) throw new Error(`'${text}' threw ${String(error)}`);
        if (!(error.position >= 0 && error.position <= text.length)) throw new Error(`'${text}': position ${error.position} outside the string`);
      }
      const took = performance.now() - started;
      if (took > slowest) {
        slowest = took;
        slowestText = text;
      }
    }
    expect(parsed).toBeGreaterThan(1000);
    expect({ slowest: slowest < 250, slowestText }).toEqual({ slowest: true, slowestText });
  });
});
