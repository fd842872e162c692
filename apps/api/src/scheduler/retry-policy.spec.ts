import { retryDelayMs } from './retry-policy';

describe('retryDelayMs', () => {
  const noJitter = () => 0;
  const policy = { maxAttempts: 5, backoff: 'exponential' as const, initialDelayMs: 1_000, maxDelayMs: 5_000 };

  it('doubles from initialDelayMs and caps at maxDelayMs', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(policy, attempt, noJitter))).toEqual([
      1_000, 2_000, 4_000, 5_000,
    ]);
  });

  it('stops after maxAttempts', () => {
    expect(retryDelayMs(policy, 5, noJitter)).toBeNull();
    expect(retryDelayMs({ ...policy, maxAttempts: 1 }, 1, noJitter)).toBeNull();
  });

  it('fixed backoff waits the same each time', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs({ ...policy, backoff: 'fixed' }, attempt, noJitter))).toEqual([
      1_000, 1_000, 1_000,
    ]);
  });

  it('adds at most 10 % jitter', () => {
    expect(retryDelayMs(policy, 2, () => 0.999)).toBe(2_200);
    expect(retryDelayMs(policy, 2, () => 0.5)).toBe(2_100);
  });
});
