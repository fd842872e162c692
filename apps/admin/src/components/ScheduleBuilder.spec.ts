import { flushPromises, mount } from '@vue/test-utils';
import type { ScheduleSpec } from '@zer08/cron';
import ScheduleBuilder from './ScheduleBuilder.vue';

function lastEmitted<T>(wrapper: ReturnType<typeof mount>, event: string): T {
  const calls = wrapper.emitted(event) ?? [];
  return calls[calls.length - 1]?.[0] as T;
}

function mountBuilder(props: Record<string, unknown> = {}) {
  return mount(ScheduleBuilder, {
    props: { modelValue: { kind: 'cron', expression: '*/2 * * * * *', timezone: 'UTC' } as ScheduleSpec, ...props },
    attachTo: document.body,
  });
}

describe('ScheduleBuilder', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('previews the next 10 fire times and a description of a valid cron schedule', async () => {
    const wrapper = mountBuilder();
    await flushPromises();
    expect(lastEmitted<ScheduleSpec>(wrapper, 'update:modelValue')).toEqual({
      kind: 'cron',
      expression: '*/2 * * * * *',
      timezone: 'UTC',
    });
    expect(lastEmitted<boolean>(wrapper, 'validity')).toBe(true);
    expect(wrapper.find('[data-testid="schedule-description"]').text()).toContain('Every 2 seconds (UTC)');
    expect(wrapper.findAll('[data-testid="schedule-preview"] li')).toHaveLength(10);
  });

  it("shows the engine's message on the expression field while typing and reports the schedule invalid", async () => {
    const wrapper = mountBuilder();
    await wrapper.find('#schedule-expression').setValue('61 * * * * *');
    await flushPromises();
    const field = wrapper.findAll('.n-form-item').find((item) => item.find('#schedule-expression').exists());
    expect(field?.text()).toContain('second field: 61 is out of range 0-59');
    expect(wrapper.find('[data-testid="schedule-errors"]').text()).toContain('expression');
    expect(lastEmitted<boolean>(wrapper, 'validity')).toBe(false);
  });

  it('puts server-side errors on the field they name', async () => {
    const wrapper = mountBuilder({ errors: { timezone: 'unknown time zone' } });
    await flushPromises();
    const field = wrapper.findAll('.n-form-item').find((item) => item.find('#schedule-timezone').exists());
    expect(field?.text()).toContain('unknown time zone');
  });

  it('builds a calendar rule from the calendar tab', async () => {
    const wrapper = mountBuilder({
      modelValue: {
        kind: 'calendar',
        freq: 'weekly',
        times: ['09:00'],
        daysOfWeek: ['MON'],
        timezone: 'Europe/Berlin',
      },
    });
    await flushPromises();
    const times = wrapper.findAll('input[aria-label^="Time of day"]');
    await times[0].setValue('07:15');
    const addTime = wrapper.findAll('button').find((button) => button.text() === 'Add time');
    await addTime?.trigger('click');
    await wrapper.findAll('input[aria-label^="Time of day"]')[1].setValue('18:00');
    await flushPromises();
    expect(lastEmitted<ScheduleSpec>(wrapper, 'update:modelValue')).toEqual({
      kind: 'calendar',
      freq: 'weekly',
      times: ['07:15', '18:00'],
      daysOfWeek: ['MON'],
      timezone: 'Europe/Berlin',
    });
    expect(wrapper.find('[data-testid="schedule-description"]').text()).toBe(
      'Every Mon at 07:15 and 18:00 (Europe/Berlin)',
    );
  });

  it('marks an invalid time of day on the times field', async () => {
    const wrapper = mountBuilder({
      modelValue: { kind: 'calendar', freq: 'daily', times: ['09:00'], timezone: 'UTC' },
    });
    await wrapper.find('input[aria-label="Time of day 1"]').setValue('25:00');
    await flushPromises();
    expect(wrapper.text()).toContain("'25:00' is not a time of day");
    expect(lastEmitted<boolean>(wrapper, 'validity')).toBe(false);
  });

  it('switches kind with the tabs and keeps an interval spec', async () => {
    const wrapper = mountBuilder({ modelValue: { kind: 'interval', every: '30s' }, timezone: 'UTC' });
    await flushPromises();
    expect(wrapper.find('#schedule-every').exists()).toBe(true);
    await wrapper.find('#schedule-every').setValue('5m');
    await flushPromises();
    expect(lastEmitted<ScheduleSpec>(wrapper, 'update:modelValue')).toEqual({ kind: 'interval', every: '5m' });
    expect(wrapper.find('[data-testid="schedule-description"]').text()).toBe('Every 5 minutes');
  });
});
