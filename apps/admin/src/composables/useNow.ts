import { onScopeDispose, ref, type Ref } from 'vue';

/** A clock ticking every `intervalMs`, for relative times ("in 12 s") that stay current. */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), intervalMs);
  onScopeDispose(() => clearInterval(timer));
  return now;
}
