import { waitAtMost } from './wait-at-most';

describe('waitAtMost', () => {
  it('returns when the work settles, resolved or rejected, before the bound', async () => {
    const started = Date.now();
    await waitAtMost(new Promise((resolve) => setTimeout(resolve, 20)), 5_000);
    await waitAtMost(Promise.reject(new Error('gone')), 5_000);
    await waitAtMost(null, 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('returns after the bound when the work never settles', async () => {
    const started = Date.now();
    await waitAtMost(new Promise(() => undefined), 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
