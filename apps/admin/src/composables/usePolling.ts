import { onMounted, onScopeDispose, ref } from 'vue';

/**
 * Runs `load` now and then every `intervalMs` while the tab is visible; a hidden tab stops
 * polling and catches up as soon as it is shown again. Overlapping runs are skipped.
 */
export function usePolling(load: () => Promise<void>, intervalMs: number) {
  const lastError = ref<unknown>(null);
  const loading = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  async function tick(): Promise<void> {
    if (loading.value) return;
    loading.value = true;
    try {
      await load();
      lastError.value = null;
    } catch (error) {
      lastError.value = error;
    } finally {
      loading.value = false;
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped || document.hidden) return;
    timer = setTimeout(async () => {
      await tick();
      schedule();
    }, intervalMs);
  }

  function onVisibility(): void {
    if (document.hidden) {
      if (timer) clearTimeout(timer);
      timer = null;
    } else {
      void tick().then(schedule);
    }
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility);
    void tick().then(schedule);
  });

  onScopeDispose(() => {
    stopped = true;
    if (timer) clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  });

  return { refresh: tick, loading, lastError };
}
