import { formatDuration, formatInZone, relativeTime, untilNextRun } from './format';

describe('time formatting', () => {
  const now = Date.parse('2026-11-25T00:00:00Z');

  it('says how far away an instant is, in the unit a person would use', () => {
    expect(relativeTime('2026-11-25T00:00:12Z', now)).toBe('in 12 s');
    expect(relativeTime('2026-11-24T23:57:00Z', now)).toBe('3 min ago');
    expect(relativeTime('2026-11-26T08:00:00Z', now)).toBe('in 32 h');
    expect(relativeTime('2026-11-30T00:00:00Z', now)).toBe('in 5 d');
    expect(untilNextRun('2026-11-24T23:59:59Z', now)).toBe('due now');
  });

  it("shows instants in the job's zone, not the browser's", () => {
    expect(formatInZone('2026-07-01T13:00:00Z', 'America/New_York')).toBe('2026-07-01 09:00:00 EDT');
    expect(formatInZone('2026-11-25T08:00:00Z', 'Europe/Berlin')).toBe('2026-11-25 09:00:00 GMT+1');
    expect(formatInZone(null, 'UTC')).toBe('—');
  });

  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
