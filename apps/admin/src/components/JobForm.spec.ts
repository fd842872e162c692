import { flushPromises, mount } from '@vue/test-utils';
import type { Job, JobInput } from '../api/types';
import JobForm from './JobForm.vue';

function fieldText(wrapper: ReturnType<typeof mount>, inputSelector: string): string {
  return (
    wrapper
      .findAll('.n-form-item')
      .find((item) => item.find(inputSelector).exists())
      ?.text() ?? ''
  );
}

const existingJob: Job = {
  id: '7f0c2f6e-1111-4c3b-9d7e-000000000001',
  name: 'nightly-report',
  description: 'Sends the report',
  schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
  target: {
    kind: 'http',
    method: 'PUT',
    url: 'https://example.com/hook',
    headers: { 'X-Team': 'ops' },
    body: { report: 'daily' },
    timeoutMs: 5000,
  },
  executionType: 'AT_MOST_ONCE',
  retry: { maxAttempts: 5, backoff: 'fixed', initialDelayMs: 2000 },
  concurrency: 'forbid',
  misfire: 'skip',
  startAt: null,
  endAt: null,
  status: 'active',
  timezone: 'Europe/Berlin',
  nextRunAt: null,
  lastRunAt: null,
  lastStatus: null,
  callCount: 0,
  version: 3,
  createdAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-01T00:00:00Z',
};

describe('JobForm', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('emits a complete create request built from the inputs', async () => {
    const wrapper = mount(JobForm, { attachTo: document.body });
    await wrapper.find('#job-name').setValue('sink-every-2s');
    await wrapper.find('#target-url').setValue('http://127.0.0.1:9999/hook');
    await wrapper.find('#target-body').setValue('{"hello": "world"}');
    await wrapper.find('#schedule-expression').setValue('*/2 * * * * *');
    await flushPromises();
    await wrapper.find('form').trigger('submit');

    const [input] = wrapper.emitted('submit')?.[0] as [JobInput];
    expect(input).toMatchObject({
      name: 'sink-every-2s',
      description: null,
      schedule: { kind: 'cron', expression: '*/2 * * * * *' },
      target: {
        kind: 'http',
        method: 'POST',
        url: 'http://127.0.0.1:9999/hook',
        headers: {},
        body: { hello: 'world' },
        timeoutMs: 10000,
      },
      executionType: 'AT_LEAST_ONCE',
      retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 1000 },
      concurrency: 'allow',
      misfire: 'fire_once',
      startAt: null,
      endAt: null,
    });
    expect(typeof (input.schedule as { timezone?: string }).timezone).toBe('string');
  });

  it('refuses to submit invalid JSON, a missing URL or a schedule the engine rejects, naming each field', async () => {
    const wrapper = mount(JobForm, { attachTo: document.body });
    await wrapper.find('#job-name').setValue('broken');
    await wrapper.find('#target-body').setValue('{not json');
    await wrapper.find('#schedule-expression').setValue('0 0 0 30 2 *');
    await flushPromises();
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(wrapper.emitted('submit')).toBeUndefined();
    expect(fieldText(wrapper, '#target-body')).toContain('must be valid JSON');
    expect(fieldText(wrapper, '#target-url')).toContain('is required');
    expect(fieldText(wrapper, '#schedule-expression')).toContain('can never fire');
  });

  it('puts server-side problem+json field errors on the matching inputs', async () => {
    const wrapper = mount(JobForm, {
      props: {
        errors: {
          'target.url': 'private, loopback and link-local hosts are refused',
          'schedule.expression': 'server: bad expression',
          'retry.maxAttempts': 'must not be greater than 100',
          'metadata.owner': 'unknown field',
        },
      },
      attachTo: document.body,
    });
    await flushPromises();
    expect(fieldText(wrapper, '#target-url')).toContain('private, loopback and link-local hosts are refused');
    expect(fieldText(wrapper, '#schedule-expression')).toContain('server: bad expression');
    expect(fieldText(wrapper, '#retry-max-attempts')).toContain('must not be greater than 100');
    expect(wrapper.find('[data-testid="form-errors"]').text()).toContain('metadata.owner');
  });

  it('edits an existing job: every setting is loaded and sent back', async () => {
    const wrapper = mount(JobForm, { props: { job: existingJob }, attachTo: document.body });
    await flushPromises();
    expect((wrapper.find('#job-name').element as HTMLInputElement).value).toBe('nightly-report');
    expect((wrapper.find('#schedule-expression').element as HTMLInputElement).value).toBe('0 30 2 * * *');
    expect(wrapper.find('[data-testid="save-job"]').text()).toBe('Save changes');
    await wrapper.find('form').trigger('submit');
    const [input] = wrapper.emitted('submit')?.[0] as [JobInput];
    expect(input).toEqual({
      name: 'nightly-report',
      description: 'Sends the report',
      schedule: { kind: 'cron', expression: '0 30 2 * * *', timezone: 'Europe/Berlin' },
      target: {
        kind: 'http',
        method: 'PUT',
        url: 'https://example.com/hook',
        headers: { 'X-Team': 'ops' },
        body: { report: 'daily' },
        timeoutMs: 5000,
      },
      executionType: 'AT_MOST_ONCE',
      retry: { maxAttempts: 5, backoff: 'fixed', initialDelayMs: 2000 },
      concurrency: 'forbid',
      misfire: 'skip',
      startAt: null,
      endAt: null,
    });
  });

  it('switches to a handler target with a JSON payload', async () => {
    const wrapper = mount(JobForm, { attachTo: document.body });
    await wrapper.find('#job-name').setValue('cleanup');
    await wrapper.find('input[value="handler"]').setValue(true);
    await flushPromises();
    await wrapper.find('#target-handler').setValue('cleanup');
    await wrapper.find('#target-payload').setValue('{"olderThanDays": 30}');
    await wrapper.find('form').trigger('submit');
    const [input] = wrapper.emitted('submit')?.[0] as [JobInput];
    expect(input.target).toEqual({ kind: 'handler', name: 'cleanup', payload: { olderThanDays: 30 } });
  });
});
