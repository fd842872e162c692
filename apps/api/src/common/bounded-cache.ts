/**
 * A memo for values that are costly to compute per call and cheap to keep (opened signing
 * secrets, parsed callback URLs). Starts over when full: simpler than LRU, and a job set
 * larger than the bound only costs the recomputation it would have cost anyway.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, compute: (key: string) => V): V {
    const known = this.entries.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }
}
