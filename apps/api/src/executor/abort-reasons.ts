import { ExecutionOutcome } from '../scheduler/scheduler.types';

/**
 * Why a call was aborted. `timeout` is recorded as `timed_out`; `cancelled` (user cancel,
 * `replace` concurrency) and `released` (shutdown) produce no outcome at all: the database
 * row has already been moved on by whoever aborted the call.
 */
export class CallAborted extends Error {
  constructor(
    readonly reason: 'timeout' | 'cancelled' | 'released',
    message: string,
  ) {
    super(message);
    this.name = 'CallAborted';
  }
}

export function outcomeOfAbort(reason: unknown): Omit<ExecutionOutcome, 'finishedAt' | 'durationMs'> {
  if (reason instanceof CallAborted && reason.reason === 'timeout')
    return { status: 'timed_out', error: reason.message };
  const message = reason instanceof Error ? reason.message : 'aborted';
  return { status: 'failed', error: `aborted: ${message}` };
}
