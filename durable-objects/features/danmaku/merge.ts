// Merging samples (DESIGN §8): each shard sends the coordinator a uniform sample of the danmaku it
// accepted, with how many it saw; the coordinator keeps a uniform sample of everything waiting. Pure;
// randomness injected.
import { randomInt, type Rng } from "../rain/prng";

/** `seen` items, represented by `items`: a uniform sample of them, at least min(seen, k) long for a merge to k. */
export interface SamplePart<T> {
  seen: number;
  items: readonly T[];
}

/** What a merge kept (at most k, a uniform sample of every part's items together) and how many it let go. */
export interface Merged<T> {
  kept: T[];
  dropped: number;
}

/**
 * A uniform sample of at most `k` from the union of the parts, as if every item of every part had
 * been offered to one reservoir: each of the k draws picks a part with a probability proportional to
 * its items not yet drawn (the multivariate hypergeometric split), then one of that part's sampled
 * items uniformly. `dropped` is every seen item not kept. A part whose sample is shorter than
 * min(seen, k) is a bug (RangeError).
 * @example mergeSamples([{ seen: 10, items: ["a", "b"] }], 2, rng) // → { kept: [...2 of a, b], dropped: 8 }
 */
export function mergeSamples<T>(parts: readonly SamplePart<T>[], k: number, rng: Rng): Merged<T> {
  const left = parts.map((p) => {
    if (p.items.length > p.seen || p.items.length < Math.min(p.seen, k)) {
      throw new RangeError(`a part of ${p.seen} sampled ${p.items.length} (need ${Math.min(p.seen, k)})`);
    }
    return { unseen: p.seen, pool: [...p.items] };
  });
  const total = parts.reduce((n, p) => n + p.seen, 0);
  const kept: T[] = [];
  let remaining = total;
  while (kept.length < k && remaining > 0) {
    let r = randomInt(rng, remaining);
    const part = left.find((p) => {
      if (r < p.unseen) return true;
      r -= p.unseen;
      return false;
    })!;
    const j = randomInt(rng, part.pool.length);
    kept.push(part.pool[j]!);
    part.pool.splice(j, 1);
    part.unseen -= 1;
    remaining -= 1;
  }
  return { kept, dropped: total - kept.length };
}
