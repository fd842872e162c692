import { Histogram, Registry } from 'prom-client';
import { CountingHistogram } from './counting-histogram';

const BUCKETS = [0.005, 0.01, 0.025, 0.1, 1, 2.5];
const VALUES = [0, 0.001, 0.005, 0.0051, 0.02, 0.3, 1, 2.5, 7, 0.01];

describe('CountingHistogram', () => {
  it('renders what prom-client renders for a Histogram with the same observations', async () => {
    const reference = new Registry();
    const histogram = new Histogram({
      name: 'calls_seconds',
      help: 'Call durations.',
      labelNames: ['kind'],
      buckets: BUCKETS,
      registers: [reference],
    });
    const counting = new Registry();
    const countingHistogram = new CountingHistogram('calls_seconds', 'Call durations.', BUCKETS, ['kind'], counting);
    for (const [i, value] of VALUES.entries()) {
      const kind = i % 3 === 0 ? 'handler' : 'http';
      histogram.labels(kind).observe(value);
      countingHistogram.cell(kind).observe(value);
    }

    const rendered = await counting.metrics();
    expect(rendered).toBe(await reference.metrics());
    expect(rendered).toContain('calls_seconds_bucket{le="0.025",kind="http"} 3');
    expect(rendered).toContain('calls_seconds_count{kind="http"} 6');
  });

  it('shows a label-less histogram with its zeros before any observation, as prom-client does', async () => {
    const reference = new Registry();
    new Histogram({ name: 'lateness_seconds', help: 'Lateness.', buckets: BUCKETS, registers: [reference] });
    const counting = new Registry();
    const lateness = new CountingHistogram('lateness_seconds', 'Lateness.', BUCKETS, [], counting);
    expect(await counting.metrics()).toBe(await reference.metrics());

    lateness.cell().observe(0.02);
    expect(await counting.metrics()).toMatch(/^lateness_seconds_bucket\{le="0.025"\} 1$/m);
    expect(await counting.metrics()).toMatch(/^lateness_seconds_sum 0.02$/m);
  });

  it('ignores a value that is not a finite number instead of throwing on the call path', async () => {
    const registry = new Registry();
    const histogram = new CountingHistogram('d_seconds', 'D.', BUCKETS, [], registry);
    histogram.cell().observe(Number.NaN);
    expect(await registry.metrics()).toMatch(/^d_seconds_count 0$/m);
  });
});
