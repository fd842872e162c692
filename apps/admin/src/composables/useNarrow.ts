import { onScopeDispose, ref, type Ref } from 'vue';

/** True while the viewport is at most `maxWidth` px wide (phones), tracking resizes. */
export function useNarrow(maxWidth = 760): Ref<boolean> {
  const query = window.matchMedia(`(max-width: ${maxWidth}px)`);
  const narrow = ref(query.matches);
  const update = (event: MediaQueryListEvent) => (narrow.value = event.matches);
  query.addEventListener('change', update);
  onScopeDispose(() => query.removeEventListener('change', update));
  return narrow;
}
