import { flushPromises, mount } from '@vue/test-utils';
import { NDatePicker, NSelect } from 'naive-ui';
import type { Execution } from '../api/types';
import HistoryTable from './HistoryTable.vue';

function execution(overrides: Partial<Execution>): Execution {
  return {
    id: 'e1',
    jobId: 'j1',
    scheduledFor: '2026-11-24T10:00:00.000Z',
    attempt: 1,
    status: 'succeeded',
    startedAt: '2026-11-24T10:00:00.010Z',
    finishedAt: '2026-11-24T10:00:00.052Z',
    durationMs: 42,
    httpStatus: 200,
    error: null,
    ...overrides,
  };
}

const rows: Execution[] = [
  execution({ id: 'e1' }),
  execution({
    id: 'e2',
    scheduledFor: '2026-11-24T10:00:02.000Z',
    status: 'failed',
    attempt: 2,
    durationMs: 1500,
    httpStatus: 503,
    error: 'HTTP 503 from callback',
  }),
  execution({
    id: 'e3',
    scheduledFor: '2026-11-24T10:00:04.000Z',
    status: 'running',
    finishedAt: null,
    durationMs: null,
    httpStatus: null,
  }),
];

function mountTable(props: Record<string, unknown> = {}) {
  return mount(HistoryTable, {
    props: { executions: rows, total: 45, page: 1, pageSize: 20, timeZone: 'Europe/Berlin', ...props },
    attachTo: document.body,
  });
}

describe('HistoryTable', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows one row per execution with time in the job zone, status, attempt, duration, HTTP status and error', async () => {
    const wrapper = mountTable();
    await flushPromises();
    const body = wrapper.findAll('tbody tr');
    expect(body).toHaveLength(3);
    expect(body[0].text()).toContain('2026-11-24 11:00:00 GMT+1');
    expect(body[0].text()).toContain('succeeded');
    expect(body[0].text()).toContain('42 ms');
    expect(body[0].text()).toContain('200');
    expect(body[1].attributes('data-status')).toBe('failed');
    expect(body[1].text()).toContain('1.50 s');
    expect(body[1].text()).toContain('503');
    expect(body[1].text()).toContain('HTTP 503 from callback');
    expect(body[2].text()).toContain('running');
    expect(wrapper.text()).toContain('45 executions');
  });

  it('opens an execution when its time is activated', async () => {
    const wrapper = mountTable();
    await flushPromises();
    await wrapper.findAll('tbody tr')[1].find('button').trigger('click');
    expect(wrapper.emitted('open')?.[0]?.[0]).toMatchObject({ id: 'e2', status: 'failed' });
  });

  it('pages through the history', async () => {
    const wrapper = mountTable();
    await flushPromises();
    const pageTwo = wrapper.findAll('.n-pagination-item').find((item) => item.text() === '2');
    await pageTwo?.trigger('click');
    expect(wrapper.emitted('update:page')?.[0]).toEqual([2]);
  });

  it('filters by status and time range', async () => {
    const wrapper = mountTable();
    await flushPromises();
    wrapper.findComponent(NSelect).vm.$emit('update:value', 'failed');
    const range: [number, number] = [Date.parse('2026-11-24T09:00:00Z'), Date.parse('2026-11-24T10:00:00Z')];
    wrapper.findComponent(NDatePicker).vm.$emit('update:value', range);
    await flushPromises();
    expect(wrapper.emitted('update:status')?.[0]).toEqual(['failed']);
    expect(wrapper.emitted('update:range')?.[0]).toEqual([range]);
  });

  it('says so when there is no history yet', async () => {
    const wrapper = mountTable({ executions: [], total: 0 });
    await flushPromises();
    expect(wrapper.text()).toContain('No Data');
  });
});
