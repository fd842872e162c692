/**
 * At most `perSecond` lines a second from one source: a callback failing for 10,000 jobs
 * must not write 10,000 lines a second. What is held back is counted and reported with
 * the next line that gets through.
 */
export class LogRateLimit {
  private windowStartedAt = -Infinity;
  private usedInWindow = 0;
  private heldBack = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to write this line, and how many were held back since the last one written. */
  take(): { write: boolean; heldBack: number } {
    const now = this.now();
    if (now - this.windowStartedAt >= 1000) {
      this.windowStartedAt = now;
      this.usedInWindow = 0;
    }
    if (this.usedInWindow >= this.perSecond) {
      this.heldBack += 1;
      return { write: false, heldBack: 0 };
    }
    this.usedInWindow += 1;
    const heldBack = this.heldBack;
    this.heldBack = 0;
    return { write: true, heldBack };
  }
}
