import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves once `work` settles (either way) or `ms` have passed, whichever comes first: for
 * shutdown steps that must not hang on a dead connection. The timer never holds the process open.
 */
export async function waitAtMost(work: Promise<unknown> | null, ms: number): Promise<void> {
  await Promise.race([work?.then(settled, settled), delay(ms, undefined, { ref: false })]);
}

function settled(): undefined {
  return undefined;
}
