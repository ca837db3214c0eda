import { describe, expect, it } from "vitest";
import { BatchLoader } from "../../durable-objects/kernel/batch-loader";

/** A loader whose queries the test releases by hand, recording each query's keys. */
function manualLoader(values: Record<string, number>) {
  const queries: string[][] = [];
  const release: (() => void)[] = [];
  const load = (keys: string[]) => {
    queries.push(keys);
    return new Promise<Map<string, number>>((resolve) => {
      release.push(() => resolve(new Map(keys.filter((k) => k in values).map((k) => [k, values[k]!]))));
    });
  };
  return { load, queries, release };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("BatchLoader", () => {
  it("sends a lone lookup at once and batches those that arrive while it is in flight", async () => {
    const m = manualLoader({ a: 1, b: 2, c: 3 });
    const loader = new BatchLoader(m.load, 0);
    const a = loader.get("a");
    expect(m.queries).toEqual([["a"]]);
    const b = loader.get("b");
    const c = loader.get("c");
    const b2 = loader.get("b");
    expect(m.queries).toHaveLength(1);
    m.release[0]!();
    expect(await a).toBe(1);
    await tick();
    expect(m.queries).toEqual([["a"], ["b", "c"]]);
    m.release[1]!();
    expect([await b, await c, await b2]).toEqual([2, 3, 2]);
  });

  it("answers the fallback for keys the loader does not know, and splits batches at maxKeys", async () => {
    const m = manualLoader({ k1: 7 });
    const loader = new BatchLoader(m.load, 0, 2);
    const first = loader.get("k0");
    const rest = ["k1", "k2", "k3"].map((k) => loader.get(k));
    m.release[0]!();
    await first;
    await tick();
    expect(m.queries[1]).toEqual(["k1", "k2"]);
    m.release[1]!();
    await tick();
    expect(m.queries[2]).toEqual(["k3"]);
    m.release[2]!();
    expect(await Promise.all(rest)).toEqual([7, 0, 0]);
  });

  it("rejects the waiters of a failed load and keeps serving later ones", async () => {
    let fail = true;
    const loader = new BatchLoader(async (keys) => {
      if (fail) throw new Error("d1 down");
      return new Map(keys.map((k) => [k, 1]));
    }, 0);
    await expect(loader.get("x")).rejects.toThrow("d1 down");
    fail = false;
    expect(await loader.get("x")).toBe(1);
  });
});
