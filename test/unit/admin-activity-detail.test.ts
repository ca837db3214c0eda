import { describe, expect, it } from "vitest";
import { splitRedPackets } from "../../durable-objects/features/rain/split";
import type { ActivityDetail } from "../../schema/queries/activities";
import { adminActivityDetail, rainSummary } from "../../workers/activities/admin-detail";

const rain = (totalCents: number, count: number, seed: string) => ({
  totalCents,
  count,
  targetTapsPerSec: 1000,
  durationMs: 20_000,
  seed,
});

describe("rainSummary", () => {
  it("adds the smallest and largest packet of the seed's split", () => {
    for (const [total, count, seed] of [
      [5000, 100, "fixed-seed"],
      [987_654_321, 100_000, "big"],
      [7, 1, "one"],
    ] as const) {
      const packets = splitRedPackets(total, count, seed);
      let min = packets[0]!;
      let max = packets[0]!;
      for (const p of packets) [min, max] = [Math.min(min, p), Math.max(max, p)];
      expect(rainSummary(rain(total, count, seed))).toEqual({
        ...rain(total, count, seed),
        minPacketCents: min,
        maxPacketCents: max,
      });
    }
  });

  it("gives 1 and 1 when every packet is 1 cent (count === totalCents)", () => {
    expect(rainSummary(rain(100_000, 100_000, "ones"))).toMatchObject({
      minPacketCents: 1,
      maxPacketCents: 1,
    });
  });
});

describe("adminActivityDetail", () => {
  it("keeps every field and key order, each rain summarized", () => {
    const detail: ActivityDetail = {
      id: "a",
      title: "t",
      startAtMs: 1,
      prizePoolCents: 2,
      answerWindowMs: 10_000,
      streamUrl: "",
      streamDelayBudgetMs: 0,
      grabCap: 3,
      shards: 1,
      status: "scheduled",
      createdAtMs: 4,
      questions: [{ text: "q", options: ["x", "y"], correct: 0 }],
      rains: [rain(10, 10, "s"), rain(500, 50, "t")],
    };
    const view = adminActivityDetail(detail);
    expect(Object.keys(view)).toEqual(Object.keys(detail));
    expect(view).toEqual({ ...detail, rains: detail.rains.map(rainSummary) });
    expect(view.rains[0]).toMatchObject({ minPacketCents: 1, maxPacketCents: 1 });
  });
});
