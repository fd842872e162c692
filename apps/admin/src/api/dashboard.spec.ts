import { toMinuteBuckets } from './dashboard';

describe('toMinuteBuckets', () => {
  it('turns the API per-minute counts into chart buckets, oldest first, zeros kept', () => {
    const buckets = toMinuteBuckets([
      { minute: '2026-11-24T11:59:00.000Z', succeeded: 1, failed: 1, other: 0 },
      { minute: '2026-11-24T12:00:00.000Z', succeeded: 0, failed: 0, other: 0 },
    ]);
    expect(buckets).toEqual([
      { minute: Date.parse('2026-11-24T11:59:00Z'), succeeded: 1, failed: 1, other: 0 },
      { minute: Date.parse('2026-11-24T12:00:00Z'), succeeded: 0, failed: 0, other: 0 },
    ]);
  });
});
