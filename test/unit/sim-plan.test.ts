// The fault simulation's planner (test/sim/plan.ts): a pure function of the seed and the shard count,
// so `npm run sim -- --from S --seeds 1` replays seed S's show and its fault schedule exactly.
import { describe, expect, it } from "vitest";
import { CORRECT, isStep, planShow, plannedFaults, points, replayCommand, shuffled } from "../sim/plan";

describe("planShow", () => {
  it("is a function of the seed and the shard count only", () => {
    expect(planShow(7, 3)).toEqual(planShow(7, 3));
    expect(JSON.stringify(planShow(7, 3))).toBe(JSON.stringify(planShow(7, 3)));
    expect(planShow(7, 3)).not.toEqual(planShow(8, 3));
    // The show is the same on any number of shards; only the faults aimed at shards differ.
    expect(planShow(7, 5).players).toEqual(planShow(7, 3).players);
  });

  it("keeps every seed's show within its bounds", () => {
    for (let seed = 1; seed <= 500; seed++) {
      for (const shards of [1, 3, 8]) {
        const plan = planShow(seed, shards);
        expect(plan.players.length).toBeGreaterThanOrEqual(12);
        expect(plan.players.length).toBeLessThanOrEqual(30);
        expect([2, 3]).toContain(plan.questions);
        expect(plan.rain.totalCents).toBeGreaterThanOrEqual(plan.rain.count);
        expect(plan.poolCents).toBeGreaterThanOrEqual(1);
        const all = points(plan.questions);
        let n = 0;
        for (const [at, list] of Object.entries(plan.faults)) {
          expect(all).toContain(at);
          expect(list!.length).toBeGreaterThanOrEqual(1);
          expect(list!.length).toBeLessThanOrEqual(3);
          for (const f of list!) {
            n += 1;
            if ("shard" in f) expect(f.shard).toBeLessThan(shards);
            if (f.kind === "fail-deliver" || f.kind === "fail-op") expect(f.shard).toBeGreaterThanOrEqual(1);
            if (f.kind === "commit-then-evict") expect(isStep(at as never)).toBe(true);
            if (f.kind === "drop") expect(f.player).toBeLessThan(plan.players.length);
          }
        }
        expect(n).toBeLessThanOrEqual(10);
        expect(n).toBe([...plannedFaults(plan).values()].reduce((s, x) => s + x, 0));
      }
    }
  });

  it("draws every kind of fault and every kind of move over a few seeds", () => {
    const kinds = new Set<string>();
    const moves = new Set<string>();
    for (let seed = 1; seed <= 50; seed++) {
      const plan = planShow(seed, 3);
      for (const k of plannedFaults(plan).keys()) kinds.add(k);
      for (const p of plan.players)
        for (const m of p.moves)
          moves.add(
            m.kind === "answer"
              ? `${m.option === CORRECT ? "right" : "wrong"}${m.double ? "+double" : ""}`
              : m.kind,
          );
    }
    expect([...kinds].sort()).toEqual([
      "alarm-twice",
      "commit-then-evict",
      "deploy",
      "drop",
      "evict",
      "fail-deliver",
      "fail-op",
    ]);
    expect([...moves].sort()).toEqual(["late", "none", "right", "right+double", "wrong", "wrong+double"]);
  });

  it("one shard: no faults aimed at shards other than the coordinator", () => {
    for (let seed = 1; seed <= 200; seed++)
      for (const list of Object.values(planShow(seed, 1).faults))
        for (const f of list!) expect(["fail-deliver", "fail-op"]).not.toContain(f.kind);
  });
});

describe("shuffled and replayCommand", () => {
  it("permutes from a seed, the same way each time", () => {
    const xs = Array.from({ length: 20 }, (_, i) => i);
    expect(shuffled(xs, 42)).toEqual(shuffled(xs, 42));
    expect([...shuffled(xs, 42)].sort((a, b) => a - b)).toEqual(xs);
    expect(shuffled(xs, 42)).not.toEqual(xs);
  });

  it("names the one-line replay", () => {
    expect(replayCommand(417, 3)).toBe("npm run sim -- --from 417 --seeds 1 --shards 3");
  });
});
