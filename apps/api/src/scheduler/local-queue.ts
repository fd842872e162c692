import { ClaimedExecution } from './scheduler.types';

/**
 * The executions the local leader handed this replica that wait for a worker slot: first
 * in, first out, removable by id (a cancel). A Map alone would do, but taking its first
 * entry walks every slot deleted before it, and a burst's queue is tens of thousands deep.
 */
export class LocalQueue {
  private readonly byId = new Map<string, ClaimedExecution>();
  private order: ClaimedExecution[] = [];
  private head = 0;

  get size(): number {
    return this.byId.size;
  }

  add(execution: ClaimedExecution): void {
    this.byId.set(execution.id, execution);
    this.order.push(execution);
  }

  /** True if it was queued (it will not be taken any more). */
  delete(id: string): boolean {
    return this.byId.delete(id);
  }

  /** The oldest execution still queued, removed. */
  shift(): ClaimedExecution | undefined {
    while (this.head < this.order.length) {
      const execution = this.order[this.head++];
      if (this.byId.delete(execution.id)) {
        this.compact();
        return execution;
      }
    }
    this.clear();
    return undefined;
  }

  /** Ids still queued, oldest first. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  forEach(visit: (execution: ClaimedExecution) => void): void {
    for (const execution of this.byId.values()) visit(execution);
  }

  /** Removes the `count` newest executions and returns their ids. */
  takeNewest(count: number): string[] {
    const newest = this.ids().slice(-count);
    for (const id of newest) this.byId.delete(id);
    return newest;
  }

  clear(): void {
    this.byId.clear();
    this.order = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head >= 1_024 && this.head * 2 >= this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
