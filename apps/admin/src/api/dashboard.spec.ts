import { bucketPerMinute } from './dashboard';
import type { Execution } from './types';

function run(finishedAt: string, status: Execution['status']): Execution {
  return {
    id: finishedAt,
    jobId: 'j',
    scheduledFor: finishedAt,
    attempt: 1,
    status,
    startedAt: finishedAt,
    finishedAt,
    durationMs: 5,
    httpStatus: 200,
    error: null,
  };
}

describe('bucketPerMinute', () => {
  it('counts the last hour minute by minute, split by outcome, ignoring older runs', () => {
    const now = Date.parse('2026-11-24T12:00:30Z');
    const buckets = bucketPerMinute(
      [
        run('2026-11-24T11:59:10Z', 'succeeded'),
        run('2026-11-24T11:59:50Z', 'failed'),
        run('2026-11-24T12:00:05Z', 'succeeded'),
        run('2026-11-24T11:30:00Z', 'timed_out'),
        run('2026-11-24T10:00:00Z', 'succeeded'),
      ],
      now,
    );
    expect(buckets).toHaveLength(60);
    expect(buckets[buckets.length - 1]).toEqual({
      minute: Date.parse('2026-11-24T12:00:00Z'),
      succeeded: 1,
      failed: 0,
      other: 0,
    });
    expect(buckets[buckets.length - 2]).toEqual({
      minute: Date.parse('2026-11-24T11:59:00Z'),
      succeeded: 1,
      failed: 1,
      other: 0,
    });
    expect(buckets.reduce((sum, b) => sum + b.succeeded + b.failed + b.other, 0)).toBe(4);
  });
});
