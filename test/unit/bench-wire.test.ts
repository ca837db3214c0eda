import { describe, expect, it } from "vitest";
import { wireSizes } from "../../bench/scenarios/wire";

describe("bench wire sizes", () => {
  const rows = new Map(wireSizes().map((r) => [r.frame, r]));

  it("measures the heartbeat as its two protobuf bytes", () => {
    expect(rows.get("heartbeat")).toMatchObject({ protobuf: 2, json: 11 });
  });

  it("measures every sample, each smaller as protobuf than as JSON", () => {
    expect(rows.size).toBe(9);
    for (const r of rows.values()) expect(r.protobuf).toBeLessThan(r.json);
  });
});
