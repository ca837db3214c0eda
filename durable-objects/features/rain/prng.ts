// A seeded PRNG for the rain: same seed string, same numbers, on every runtime.
// The algorithms are fixed forever: packet amounts stored in D1 must be reproducible from their seed.

/** A generator of uniformly distributed unsigned 32-bit integers (0 … 2³² − 1). */
export type Rng = () => number;

/**
 * cyrb128 (bryc, public domain): hashes a string into four uint32s, reading UTF-16 code units
 * (`charCodeAt`), so "é" precomposed and decomposed are different seeds.
 *
 * @example cyrb128("rain-1") // → [h1, h2, h3, h4], each in 0 … 2³² − 1
 */
export function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 32-bit): 128-bit state, period ≥ 2³².
 * Returns a generator of uint32s. Follows PractRand's C reference (`tmp = a + b + counter++`): some JS
 * copies increment the counter before adding it and produce a different sequence.
 *
 * @example const next = sfc32(1, 2, 3, 4); next() // → a uint32
 */
export function sfc32(a: number, b: number, c: number, d: number): Rng {
  let s0 = a | 0;
  let s1 = b | 0;
  let s2 = c | 0;
  let s3 = d | 0;
  return () => {
    const t = (((s0 + s1) | 0) + s3) | 0;
    s3 = (s3 + 1) | 0;
    s0 = s1 ^ (s1 >>> 9);
    s1 = (s2 + (s2 << 3)) | 0;
    s2 = (s2 << 21) | (s2 >>> 11);
    s2 = (s2 + t) | 0;
    return t >>> 0;
  };
}

/** Outputs discarded after seeding, so that seeds differing in one character diverge at once. */
export const WARM_UP_ROUNDS = 15;

/**
 * The rain's generator: sfc32 seeded with cyrb128(seed), its first 15 outputs discarded.
 *
 * @example const rng = seededRng("activity-7/rain-0"); randomInt(rng, 6) // → 0 … 5, the same every time
 */
export function seededRng(seed: string): Rng {
  const [a, b, c, d] = cyrb128(seed);
  const rng = sfc32(a, b, c, d);
  for (let i = 0; i < WARM_UP_ROUNDS; i++) rng();
  return rng;
}

const TWO_32 = 0x1_0000_0000;
const TWO_21 = 0x20_0000;
const TWO_53 = TWO_32 * TWO_21;

/**
 * A uniform integer in [0, n) for 1 ≤ n ≤ 2⁵³, without modulo bias (rejection sampling).
 * n ≤ 2³² uses one draw per try; larger n builds a 53-bit integer from two draws (21 + 32 bits).
 * Throws a RangeError for any other n: callers validate first, so a throw is a bug.
 *
 * @example randomInt(seededRng("s"), 100) // → an integer 0 … 99
 */
export function randomInt(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > TWO_53) throw new RangeError(`randomInt: bad bound ${n}`);
  if (n <= TWO_32) {
    // Largest multiple of n that fits in 2³²: draws at or above it would favour small results.
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const x = rng();
      if (x < limit) return x % n;
    }
  }
  const limit = TWO_53 - (TWO_53 % n);
  for (;;) {
    const x = (rng() % TWO_21) * TWO_32 + rng();
    if (x < limit) return x % n;
  }
}
