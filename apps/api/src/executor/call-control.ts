import { CallAborted } from './abort-reasons';

/**
 * How a worker stops a call it started: cancel, `replace` concurrency, shutdown, or the
 * executor's own timeout. One per call, so it is deliberately lighter than an
 * AbortController (whose signal is an EventTarget): one listener, set by the executor
 * running the call. A signal is made only for code that wants one (handlers).
 */
export class CallControl {
  private abortReason: CallAborted | undefined;
  private listener: ((reason: CallAborted) => void) | undefined;
  private controller: AbortController | undefined;

  get aborted(): boolean {
    return this.abortReason !== undefined;
  }

  get reason(): CallAborted | undefined {
    return this.abortReason;
  }

  /** The first reason wins; later calls change nothing. */
  abort(reason: CallAborted): void {
    if (this.abortReason) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.listener?.(reason);
  }

  /** Replaces the previous listener; called at once if the call is already aborted. */
  onAbort(listener: ((reason: CallAborted) => void) | undefined): void {
    this.listener = listener;
    if (listener && this.abortReason) listener(this.abortReason);
  }

  /** An AbortSignal that follows this control, for APIs that take one. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }
}
