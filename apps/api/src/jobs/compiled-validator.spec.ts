import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { BulkCreateJobsDto, CreateJobDto } from '@zer08/contracts';
import { CompiledValidator } from './compiled-validator';
import { jobBody } from './jobs.test-fixtures';

async function classValidatorAccepts(dto: new () => object, body: unknown): Promise<boolean> {
  const errors = await validate(plainToInstance(dto, body) as object, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length === 0;
}

const job = (overrides: Record<string, unknown>) => jobBody(overrides);
const BODIES: unknown[] = [
  job({}),
  job({ schedule: { kind: 'interval', every: '5m', startAt: '2099-01-01T00:00:00Z' } }),
  job({ schedule: { kind: 'once', at: '2099-01-01T00:00:00Z' } }),
  job({ schedule: { kind: 'calendar', freq: 'monthly', times: ['09:00'], nthWeekday: [{ weekday: 'MON', nth: 1 }], overrideDates: [{ date: '2099-01-01', action: 'add', time: '10:00' }] } }),
  job({ target: { kind: 'handler', name: 'cleanup', payload: { a: 1 } } }),
  job({ schedule: { kind: 'cron', expression: '* * * * *', dst: { gap: 'shift', overlap: 'both' } } }),
  job({ description: null, startAt: null, historyRetentionDays: null }),
  job({ name: '' }),
  job({ name: 5 }),
  job({ extra: true }),
  job({ schedule: { kind: 'cron', expression: '* * * * *', extra: 1 } }),
  job({ schedule: { kind: 'hourly' } }),
  job({ schedule: { kind: 'cron' } }),
  job({ schedule: 'x' }),
  job({ schedule: null }),
  job({ schedule: [] }),
  job({ schedule: { kind: 'calendar', freq: 'weekly', times: ['9am'], daysOfWeek: ['MON'] } }),
  job({ schedule: { kind: 'calendar', freq: 'weekly', times: ['09:00'], daysOfWeek: ['MON', 'XXX'] } }),
  job({ schedule: { kind: 'calendar', freq: 'monthly', times: ['09:00'], nthWeekday: [{ weekday: 'MON', nth: 7 }] } }),
  job({ schedule: { kind: 'calendar', freq: 'monthly', times: ['09:00'], nthWeekday: [{ weekday: 'MON', nth: 1, x: 1 }] } }),
  job({ schedule: { kind: 'cron', expression: '* * * * *', dst: { gap: 'x' } } }),
  job({ target: { kind: 'http', url: 5 } }),
  job({ target: { kind: 'http', url: 'https://x', method: 'TRACE' } }),
  job({ target: { kind: 'mail' } }),
  job({ target: { kind: 'handler', name: 'x', payload: 'nope' } }),
  job({ retry: { maxAttempts: 0 } }),
  job({ retry: { maxAttempts: 1.5 } }),
  job({ retry: { what: 1 } }),
  job({ retry: 'fast' }),
  job({ catchUpLimit: '5' }),
  job({ startAt: 'tomorrow' }),
  job({ metadata: [] }),
  job({ executionType: 'NOPE' }),
  job({ schedule: undefined }),
  job({ target: undefined }),
];

describe('CompiledValidator', () => {
  const single = new CompiledValidator(CreateJobDto);
  const bulk = new CompiledValidator(BulkCreateJobsDto);

  it.each(BODIES.map((body, index) => [index, body] as const))('agrees with class-validator on body #%i', async (_index, body) => {
    const expected = await classValidatorAccepts(CreateJobDto, body);
    const accepted = await single.validate(body).then(
      () => true,
      () => false,
    );
    expect(accepted).toBe(expected);
  });

  it('answers the very same body on the fast path, and the pipe’s field errors otherwise', async () => {
    const body = { jobs: [job({}), job({ name: 'b' })] };
    expect(await bulk.validate(body)).toBe(body);
    const bad = { jobs: [job({}), job({ schedule: { kind: 'cron', expression: '* * * * *', extra: 1 } })] };
    await expect(bulk.validate(bad)).rejects.toMatchObject({ status: 400, errors: [{ field: 'jobs[1].schedule.extra' }] });
    await expect(bulk.validate({ jobs: [] })).rejects.toMatchObject({ errors: [{ field: 'jobs' }] });
    await expect(bulk.validate([])).rejects.toMatchObject({ status: 400 });
    await expect(bulk.validate(null)).rejects.toMatchObject({ status: 400 });
  });

  it('validates 1,000 jobs in a few milliseconds', async () => {
    const body = { jobs: Array.from({ length: 1000 }, (_, i) => job({ name: `n${i}` })) };
    await bulk.validate(body);
    const started = performance.now();
    for (let i = 0; i < 5; i++) await bulk.validate(body);
    expect((performance.now() - started) / 5).toBeLessThan(50);
  });
});
