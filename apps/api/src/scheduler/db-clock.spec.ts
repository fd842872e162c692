import { betterEstimate, ClockEstimate } from './db-clock';

describe('betterEstimate: which clock offset estimate a sync keeps', () => {
  const estimate = (offsetMs: number, errorMs: number, sampledAtMs: number): ClockEstimate => ({
    offsetMs,
    errorMs,
    sampledAtMs,
  });

  it('adopts the first sample', () => {
    expect(betterEstimate(null, estimate(12, 4, 1_000), 1_000)).toEqual(estimate(12, 4, 1_000));
  });

  it('adopts a tighter sample', () => {
    expect(betterEstimate(estimate(12, 4, 0), estimate(11, 1.5, 5_000), 5_000)).toEqual(estimate(11, 1.5, 5_000));
  });

  it('keeps a tighter estimate over a slow sample (a sync under load), its bound widened by 50 ppm of drift', () => {
    const kept = betterEstimate(estimate(12, 1.5, 0), estimate(14, 20, 10_000), 10_000);
    expect(kept).toEqual(estimate(12, 2, 10_000));
  });

  it('adopts the slow sample once the kept estimate has aged past it', () => {
    // 1.5 ms + 0.05 ms/s × 100 s = 6.5 ms > 6 ms
    expect(betterEstimate(estimate(12, 1.5, 0), estimate(13, 6, 100_000), 100_000)).toEqual(estimate(13, 6, 100_000));
  });

  it('adopts a sample that contradicts the estimate: the local clock was stepped', () => {
    expect(betterEstimate(estimate(12, 1.5, 0), estimate(30_012, 20, 1_000), 1_000)).toEqual(
      estimate(30_012, 20, 1_000),
    );
  });
});
