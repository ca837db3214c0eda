// Coalesces lookups that arrive while one is in flight into the next query. A connect storm
// otherwise sends one D1 query per viewer (bench: 1,000 upgrades/s fall to 120/s), while D1 serves
// about 1,000 queries/s for the whole database. A lone lookup goes out at once, never delayed.

interface Waiter<V> {
  resolve: (v: V) => void;
  reject: (e: unknown) => void;
}

/**
 * At most one load in flight; keys asked for meanwhile are loaded together next, `maxKeys` at a
 * time (D1 binds at most 100 parameters per query). A key the loader does not return gets `fallback`.
 * @example const cards = new BatchLoader((ids) => takeRevivalEscrows(db, activityId, ids, now), 0); await cards.get("u1")
 */
export class BatchLoader<V> {
  readonly #queue = new Map<string, Waiter<V>[]>();
  #inFlight = false;

  constructor(
    readonly load: (keys: string[]) => Promise<ReadonlyMap<string, V>>,
    readonly fallback: V,
    readonly maxKeys = 100,
  ) {}

  get(key: string): Promise<V> {
    return new Promise((resolve, reject) => {
      const waiters = this.#queue.get(key);
      if (waiters === undefined) this.#queue.set(key, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#inFlight || this.#queue.size === 0) return;
    const batch = [...this.#queue].slice(0, this.maxKeys);
    for (const [key] of batch) this.#queue.delete(key);
    this.#inFlight = true;
    this.load(batch.map(([key]) => key))
      .then(
        (found) => {
          for (const [key, waiters] of batch)
            for (const w of waiters) w.resolve(found.get(key) ?? this.fallback);
        },
        (err: unknown) => {
          for (const [, waiters] of batch) for (const w of waiters) w.reject(err);
        },
      )
      .finally(() => {
        this.#inFlight = false;
        this.#pump();
      });
  }
}
