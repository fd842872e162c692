import { LogRateLimit } from './log-rate-limit';

describe('LogRateLimit', () => {
  it('writes up to the limit each second and reports what it held back with the next line', () => {
    let now = 10_000;
    const limit = new LogRateLimit(3, () => now);
    const first = Array.from({ length: 5 }, () => limit.take());
    expect(first.map((slot) => slot.write)).toEqual([true, true, true, false, false]);
    expect(first.every((slot) => slot.heldBack === 0)).toBe(true);
    now += 999;
    expect(limit.take()).toEqual({ write: false, heldBack: 0 });
    now += 1;
    expect(limit.take()).toEqual({ write: true, heldBack: 3 });
    expect(limit.take()).toEqual({ write: true, heldBack: 0 });
  });
});
