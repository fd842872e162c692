import { RetryPolicy } from './scheduler.types';

/**
 * Delay before attempt `attempt + 1`, or null when `attempt` was the last one.
 * exponential: initialDelayMs * 2^(attempt-1); fixed: initialDelayMs; both capped at
 * maxDelayMs, plus up to 10 % jitter so a burst of failures does not retry in lockstep.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const base =
    policy.backoff === 'fixed' ? policy.initialDelayMs : policy.initialDelayMs * 2 ** Math.min(attempt - 1, 40);
  const capped = Math.min(base, policy.maxDelayMs);
  return Math.round(capped + capped * 0.1 * random());
}
