import { schedule } from '@zer08/cron';
import { planOccurrences, ScheduleCache } from './occurrence-planner';

const at = (iso: string) => new Date(iso);
const everySecond = schedule({ kind: 'cron', expression: '* * * * * *' });
const everyMinute = schedule({ kind: 'cron', expression: '0 * * * * *' });
const TOLERANCE = 5_000;

describe('planOccurrences', () => {
  it('on time: fires the due occurrence and moves to the next one', () => {
    const plan = planOccurrences(
      { nextRunAt: at('2030-01-01T00:00:10Z'), misfire: 'fire_once', catchUpLimit: 100 },
      everySecond,
      at('2030-01-01T00:00:10.004Z'),
      TOLERANCE,
    );
    expect(plan).toEqual({
      occurrences: [at('2030-01-01T00:00:10Z')],
      nextRunAt: at('2030-01-01T00:00:11Z'),
      misfired: false,
    });
  });

  it('a little behind (within the tolerance): fires every due occurrence, whatever the policy', () => {
    for (const misfire of ['fire_once', 'skip', 'catch_up'] as const) {
      const plan = planOccurrences(
        { nextRunAt: at('2030-01-01T00:00:10Z'), misfire, catchUpLimit: 100 },
        everySecond,
        at('2030-01-01T00:00:12.5Z'),
        TOLERANCE,
      );
      expect(plan.occurrences).toEqual([
        at('2030-01-01T00:00:10Z'),
        at('2030-01-01T00:00:11Z'),
        at('2030-01-01T00:00:12Z'),
      ]);
      expect(plan.nextRunAt).toEqual(at('2030-01-01T00:00:13Z'));
    }
  });

  describe('after downtime (older than the tolerance)', () => {
    const job = { nextRunAt: at('2030-01-01T00:00:00Z'), catchUpLimit: 3 };
    const now = at('2030-01-01T00:10:30Z');

    it('fire_once: one execution for the latest missed occurrence', () => {
      expect(planOccurrences({ ...job, misfire: 'fire_once' }, everyMinute, now, TOLERANCE)).toEqual({
        occurrences: [at('2030-01-01T00:10:00Z')],
        nextRunAt: at('2030-01-01T00:11:00Z'),
        misfired: true,
      });
    });

    it('skip: none', () => {
      expect(planOccurrences({ ...job, misfire: 'skip' }, everyMinute, now, TOLERANCE)).toEqual({
        occurrences: [],
        nextRunAt: at('2030-01-01T00:11:00Z'),
        misfired: true,
      });
    });

    it('catch_up: the latest catchUpLimit occurrences, oldest first', () => {
      expect(planOccurrences({ ...job, misfire: 'catch_up' }, everyMinute, now, TOLERANCE).occurrences).toEqual([
        at('2030-01-01T00:08:00Z'),
        at('2030-01-01T00:09:00Z'),
        at('2030-01-01T00:10:00Z'),
      ]);
    });

    it('catch_up never reaches before next_run_at', () => {
      const plan = planOccurrences(
        { nextRunAt: at('2030-01-01T00:08:00Z'), misfire: 'catch_up', catchUpLimit: 100 },
        everyMinute,
        now,
        TOLERANCE,
      );
      expect(plan.occurrences).toEqual([
        at('2030-01-01T00:08:00Z'),
        at('2030-01-01T00:09:00Z'),
        at('2030-01-01T00:10:00Z'),
      ]);
    });

    it('catch_up stays bounded for a huge gap', () => {
      const plan = planOccurrences(
        { nextRunAt: at('2029-01-01T00:00:00Z'), misfire: 'catch_up', catchUpLimit: 50 },
        everySecond,
        now,
        TOLERANCE,
      );
      expect(plan.occurrences).toHaveLength(50);
      expect(plan.occurrences[49]).toEqual(at('2030-01-01T00:10:30Z'));
    });
  });

  it('a one-off schedule ends: no next occurrence', () => {
    const once = schedule({ kind: 'once', at: '2030-01-01T00:00:00Z' });
    const plan = planOccurrences(
      { nextRunAt: at('2030-01-01T00:00:00Z'), misfire: 'fire_once', catchUpLimit: 1 },
      once,
      at('2030-01-01T00:00:00.010Z'),
      TOLERANCE,
    );
    expect(plan).toEqual({ occurrences: [at('2030-01-01T00:00:00Z')], nextRunAt: null, misfired: false });
  });

  it('respects the end bound', () => {
    const bounded = schedule({ kind: 'cron', expression: '* * * * * *' }, { endAt: '2030-01-01T00:00:11Z' });
    const plan = planOccurrences(
      { nextRunAt: at('2030-01-01T00:00:11Z'), misfire: 'fire_once', catchUpLimit: 1 },
      bounded,
      at('2030-01-01T00:00:11.001Z'),
      TOLERANCE,
    );
    expect(plan.nextRunAt).toBeNull();
  });
});

describe('ScheduleCache', () => {
  it('reuses an iterator until the definition changes, and applies the job time zone to cron', () => {
    const cache = new ScheduleCache();
    const job = {
      id: 'a',
      schedule: { kind: 'cron' as const, expression: '0 0 9 * * *' },
      timezone: 'Europe/Berlin',
      startAt: null,
      endAt: null,
    };
    const first = cache.iteratorFor(job);
    expect(cache.iteratorFor({ ...job })).toBe(first);
    expect(first.next(at('2030-01-01T00:00:00Z'))).toEqual(at('2030-01-01T08:00:00Z'));
    expect(cache.iteratorFor({ ...job, timezone: 'UTC' })).not.toBe(first);
  });
});
