// Fair sampling of a tick's danmaku: reservoir sampling (Vitter's algorithm R). Every danmaku that
// arrives during a tick ends up shown with the same probability, k/n for n arrivals and k slots,
// whatever its arrival order, while the room stores at most k of them. Pure; randomness injected.

import { randomInt, type Rng } from "../rain/prng";

/** A tick's reservoir: `seen` danmaku offered so far, `slots` the (at most k) kept ones. */
export interface Reservoir<T> {
  seen: number;
  slots: readonly T[];
}

/** What offering one item did: `slot` it was stored in (null: dropped at once), `evicted` the item it replaced. */
export interface Offer<T> {
  reservoir: Reservoir<T>;
  slot: number | null;
  evicted: T | null;
}

/** An empty reservoir, at the start of a tick. */
export function emptyReservoir<T>(): Reservoir<T> {
  return { seen: 0, slots: [] };
}

/**
 * Offers the tick's next item. The first k fill the slots; the n-th after that replaces a uniformly
 * chosen slot with probability k/n, else is dropped. Either way exactly one item (the new one or an
 * evicted one) is dropped once the reservoir is full.
 * @example offer(emptyReservoir<string>(), "a", 4, rng) // → { slot: 0, evicted: null, reservoir: { seen: 1, slots: ["a"] } }
 */
export function offer<T>(reservoir: Reservoir<T>, item: T, k: number, rng: Rng): Offer<T> {
  const seen = reservoir.seen + 1;
  if (reservoir.slots.length < k) {
    return {
      reservoir: { seen, slots: [...reservoir.slots, item] },
      slot: reservoir.slots.length,
      evicted: null,
    };
  }
  const j = randomInt(rng, seen);
  if (j >= k) return { reservoir: { seen, slots: reservoir.slots }, slot: null, evicted: null };
  const slots = [...reservoir.slots];
  const evicted = slots[j]!;
  slots[j] = item;
  return { reservoir: { seen, slots }, slot: j, evicted };
}

/**
 * A generator of uint32s from the platform's crypto RNG, drawn in blocks: sampling needs no
 * reproducibility, only that no sender can predict which slot wins.
 */
export function cryptoRng(block = 256): Rng {
  let buf = new Uint32Array(0);
  let i = 0;
  return () => {
    if (i >= buf.length) {
      buf = crypto.getRandomValues(new Uint32Array(block));
      i = 0;
    }
    return buf[i++]!;
  };
}
