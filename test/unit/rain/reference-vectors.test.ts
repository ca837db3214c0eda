// The reference vectors of docs/red-packets.md ("Recomputing a rain: the exact algorithm"), checked
// twice: against the code (so the doc cannot drift from it) and against an independent
// re-implementation written from the doc text alone (so the doc is complete enough to audit a rain).
// The re-implementation imports nothing from durable-objects/features/rain/ and uses BigInt
// arithmetic throughout, not the code's Math.imul / `| 0` tricks.

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cyrb128, seededRng } from "../../../durable-objects/features/rain/prng";
import { doubleAverageSplit, splitRedPackets } from "../../../durable-objects/features/rain/split";

interface Vector {
  totalCents: number;
  count: number;
  seed: string;
  first: number[];
  min: number;
  max: number;
  sha256: string;
  full?: string;
}

const VECTORS: Vector[] = [
  {
    totalCents: 10_000,
    count: 10,
    seed: "demo",
    first: [134, 907, 1405, 1477, 662],
    min: 134,
    max: 1657,
    sha256: "674adf0c5383cb68d1f6c581e7d586c107777ef1ac7d4c128b0b383d7380c46a",
    full: "134,907,1405,1477,662,1315,837,460,1657,1146",
  },
  {
    totalCents: 20_000,
    count: 200,
    seed: "seed-1",
    first: [57, 78, 2, 112, 176],
    min: 1,
    max: 233,
    sha256: "31462380eb93e04da860508da0f7e6c5311e9951a47ac1f009218b1a4a1c1dcb",
  },
  {
    totalCents: 1_000,
    count: 7,
    seed: "红包-🧧",
    first: [195, 30, 29, 223, 104],
    min: 29,
    max: 242,
    sha256: "e30bd9e386ad2567853c01d07b47664f01939d28dc03c08b623991f2c2a49ceb",
    full: "195,30,29,223,104,177,242",
  },
  {
    totalCents: 2_147_483_650,
    count: 2,
    seed: "reject",
    first: [336_292_828, 1_811_190_822],
    min: 336_292_828,
    max: 1_811_190_822,
    sha256: "1781407b87f76ee2f92adf55b7d059335ffbb7d1edfec4bcc5f607c33e3cb9d1",
    full: "336292828,1811190822",
  },
  {
    totalCents: 9_007_199_254_740_991,
    count: 3,
    seed: "big-1",
    first: [3_040_278_508_974_557, 2_006_890_268_366_569, 3_960_030_477_399_865],
    min: 2_006_890_268_366_569,
    max: 3_960_030_477_399_865,
    sha256: "7ff42b6f1a293b8bf73d40cfd48b48d7488c501a19ede6613004c7505ef051d9",
    full: "3040278508974557,2006890268366569,3960030477399865",
  },
];

/** Per seed: cyrb128's state and the first 5 outputs after the 15 discarded. */
const GENERATOR: { seed: string; state: number[]; outputs: number[] }[] = [
  {
    seed: "demo",
    state: [1934177239, 3852128141, 3518967769, 2801857706],
    outputs: [2068133145, 408824903, 1351546838, 2648580204, 2152288043],
  },
  {
    seed: "红包-🧧",
    state: [39168966, 674027094, 2129291906, 463960007],
    outputs: [1140566517, 810084429, 259757986, 3338908907, 1075598733],
  },
];

/** "demo" before the shuffle (double-average step only). */
const DEMO_UNSHUFFLED_FIRST = [1146, 1657, 1315, 1405, 460];

const sha256 = (packets: readonly (number | bigint)[]): string =>
  createHash("sha256").update(packets.join(",")).digest("hex");

// ---- Independent re-implementation, from docs/red-packets.md only ----

const M32 = 0xffff_ffffn;
const P32 = 1n << 32n;
const P21 = 1n << 21n;
const P53 = 1n << 53n;
const mul = (x: bigint, y: bigint): bigint => (x * y) & M32;
const add = (x: bigint, y: bigint): bigint => (x + y) & M32;
const shl = (x: bigint, s: bigint): bigint => (x << s) & M32;

function docCyrb128(seed: string): bigint[] {
  let h1 = 1779033703n;
  let h2 = 3144134277n;
  let h3 = 1013904242n;
  let h4 = 2773480762n;
  for (let i = 0; i < seed.length; i++) {
    const k = BigInt(seed.charCodeAt(i));
    h1 = h2 ^ mul(h1 ^ k, 597399067n);
    h2 = h3 ^ mul(h2 ^ k, 2869860233n);
    h3 = h4 ^ mul(h3 ^ k, 951274213n);
    h4 = h1 ^ mul(h4 ^ k, 2716044179n);
  }
  h1 = mul(h3 ^ (h1 >> 18n), 597399067n);
  h2 = mul(h4 ^ (h2 >> 22n), 2869860233n);
  h3 = mul(h1 ^ (h3 >> 17n), 951274213n);
  h4 = mul(h2 ^ (h4 >> 19n), 2716044179n);
  h1 = h1 ^ h2 ^ h3 ^ h4;
  h2 = h2 ^ h1;
  h3 = h3 ^ h1;
  h4 = h4 ^ h1;
  return [h1, h2, h3, h4];
}

function docGenerator(seed: string): () => bigint {
  let [a, b, c, d] = docCyrb128(seed) as [bigint, bigint, bigint, bigint];
  const next = (): bigint => {
    const t = add(add(a, b), d);
    d = add(d, 1n);
    a = b ^ (b >> 9n);
    const oldC = c;
    b = add(oldC, shl(oldC, 3n));
    c = shl(oldC, 21n) | (oldC >> 11n);
    c = add(c, t);
    return t;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

function docRandomInt(next: () => bigint, n: bigint): bigint {
  if (n <= P32) {
    const limit = P32 - (P32 % n);
    for (;;) {
      const x = next();
      if (x < limit) return x % n;
    }
  }
  const limit = P53 - (P53 % n);
  for (;;) {
    const hi = next();
    const lo = next();
    const x = (hi % P21) * P32 + lo;
    if (x < limit) return x % n;
  }
}

function docSplit(totalCents: number, count: number, seed: string): bigint[] {
  const next = docGenerator(seed);
  const p: bigint[] = [];
  let r = BigInt(totalCents);
  const n = BigInt(count);
  for (let i = 0n; i <= n - 2n; i++) {
    const k = n - i;
    const twoRoverK = (2n * r) / k;
    const max = twoRoverK < r - (k - 1n) ? twoRoverK : r - (k - 1n);
    const amount = 1n + docRandomInt(next, max);
    p.push(amount);
    r -= amount;
  }
  p.push(r);
  for (let i = count - 1; i >= 1; i--) {
    const j = Number(docRandomInt(next, BigInt(i + 1)));
    const tmp = p[i] as bigint;
    p[i] = p[j] as bigint;
    p[j] = tmp;
  }
  return p;
}

// ---- The checks ----

function checkVector(packets: readonly (number | bigint)[], v: Vector): void {
  const nums = packets.map(Number);
  expect(nums).toHaveLength(v.count);
  expect(nums.slice(0, v.first.length)).toEqual(v.first);
  expect(Math.min(...nums)).toBe(v.min);
  expect(Math.max(...nums)).toBe(v.max);
  // Summed as BigInt: the big-1 vector's total is 2⁵³ − 1.
  expect(packets.reduce<bigint>((s, x) => s + BigInt(x), 0n)).toBe(BigInt(v.totalCents));
  expect(sha256(packets)).toBe(v.sha256);
  if (v.full !== undefined) expect(packets.join(",")).toBe(v.full);
}

describe("rain reference vectors (docs/red-packets.md)", () => {
  describe("the code produces them", () => {
    for (const v of VECTORS) {
      it(`splitRedPackets(${v.totalCents}, ${v.count}, ${JSON.stringify(v.seed)})`, () => {
        checkVector(splitRedPackets(v.totalCents, v.count, v.seed), v);
      });
    }

    for (const g of GENERATOR) {
      it(`cyrb128 and seededRng(${JSON.stringify(g.seed)}) after the warm-up`, () => {
        expect(cyrb128(g.seed)).toEqual(g.state);
        const rng = seededRng(g.seed);
        expect(Array.from({ length: 5 }, () => rng())).toEqual(g.outputs);
      });
    }

    it("demo before the shuffle", () => {
      expect(doubleAverageSplit(10_000, 10, seededRng("demo")).slice(0, 5)).toEqual(DEMO_UNSHUFFLED_FIRST);
    });

    it("reject: the first output after the warm-up is rejected, the second accepted", () => {
      const rng = seededRng("reject");
      expect([rng(), rng()]).toEqual([2322317951, 336292827]);
    });
  });

  describe("a re-implementation from the doc alone produces them", () => {
    for (const v of VECTORS) {
      it(`split(${v.totalCents}, ${v.count}, ${JSON.stringify(v.seed)})`, () => {
        checkVector(docSplit(v.totalCents, v.count, v.seed), v);
      });
    }

    for (const g of GENERATOR) {
      it(`cyrb128 and the generator for ${JSON.stringify(g.seed)}`, () => {
        expect(docCyrb128(g.seed).map(Number)).toEqual(g.state);
        const next = docGenerator(g.seed);
        expect(Array.from({ length: 5 }, () => Number(next()))).toEqual(g.outputs);
      });
    }

    it("big-1 spends 8 outputs on its two split draws (two rejected 53-bit tries)", () => {
      const next = docGenerator("big-1");
      let used = 0;
      const counted = (): bigint => {
        used++;
        return next();
      };
      let r = 9_007_199_254_740_991n;
      for (const k of [3n, 2n]) {
        const half = (2n * r) / k;
        const max = half < r - (k - 1n) ? half : r - (k - 1n);
        r -= 1n + docRandomInt(counted, max);
      }
      expect(used).toBe(8);
    });

    it("agrees with the code on other inputs", () => {
      for (const [totalCents, count, seed] of [
        [1, 1, "x"],
        [50, 50, "ones"],
        [123_456, 789, "act-7/rain-0"],
        [5_000_000_000, 4, "é"],
        [5_000_000_000, 4, "e\u0301"],
        [100_000, 1_000, ""],
      ] as [number, number, string][]) {
        expect(docSplit(totalCents, count, seed).map(Number)).toEqual(
          splitRedPackets(totalCents, count, seed),
        );
      }
    });
  });
});
