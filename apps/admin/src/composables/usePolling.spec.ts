import { mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { usePolling } from './usePolling';

function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('usePolling (live views)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    setHidden(false);
  });

  function mountPoller(load: () => Promise<void>) {
    return mount(
      defineComponent({
        setup() {
          usePolling(load, 5000);
          return () => h('div');
        },
      }),
    );
  }

  it('loads at once, then every 5 s; stops while the tab is hidden and catches up when shown', async () => {
    const load = jest.fn(async () => undefined);
    const wrapper = mountPoller(load);
    await jest.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(5000);
    expect(load).toHaveBeenCalledTimes(2);

    setHidden(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(load).toHaveBeenCalledTimes(2);

    setHidden(false);
    await jest.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(5000);
    expect(load).toHaveBeenCalledTimes(4);

    wrapper.unmount();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('keeps polling after a failed load', async () => {
    const load = jest.fn().mockRejectedValueOnce(new Error('network down')).mockResolvedValue(undefined);
    mountPoller(load);
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(5000);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
