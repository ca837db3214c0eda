import { describe, expect, it } from "vitest";
import {
  eventKey,
  parseSettlementEvent,
  prizeEvent,
  redPacketEvent,
  redPacketKey,
  revivalCardEvent,
  revivalReleaseEvent,
} from "../../../schema/settlement";

const prize = { key: "prize:q1:al", kind: "prize", activityId: "q1", userId: "al", amountCents: 334 };
const packet = {
  key: "rain:q1:0:17",
  kind: "red_packet",
  activityId: "q1",
  userId: "al",
  rain: 0,
  packetIndex: 17,
  amountCents: 5,
};
const revival = {
  key: "revival:q1:al",
  kind: "revival_card",
  activityId: "q1",
  userId: "al",
  question: 2,
  count: 1,
};

const release = {
  key: "revival-release:q1:al",
  kind: "revival_release",
  activityId: "q1",
  userId: "al",
  count: 1,
};

describe("parseSettlementEvent", () => {
  it("reads the four events a room writes, as objects or JSON text", () => {
    expect(parseSettlementEvent(prize)).toEqual({ ok: true, event: prize });
    expect(parseSettlementEvent(JSON.stringify(packet))).toEqual({ ok: true, event: packet });
    expect(parseSettlementEvent(revival)).toEqual({ ok: true, event: revival });
    expect(parseSettlementEvent(JSON.stringify(release))).toEqual({ ok: true, event: release });
  });

  it.each([
    ["not JSON", "{prize", "body is not JSON"],
    ["a number", 42, "body"],
    ["an unknown kind", { ...prize, kind: "gift" }, "kind"],
    ["fractional cents", { ...prize, amountCents: 1.5 }, "amountCents"],
    ["zero cents", { ...prize, amountCents: 0 }, "amountCents"],
    ["negative cents", { ...prize, amountCents: -3 }, "amountCents"],
    ["cents as a string", { ...prize, amountCents: "5" }, "amountCents"],
    ["no user", { ...prize, userId: undefined }, "userId"],
    ["a key for other contents", { ...prize, key: "prize:q1:bo" }, "is not the event's key prize:q1:al"],
    ["a packet keyed by the wrong index", { ...packet, key: "rain:q1:0:18" }, "rain:q1:0:17"],
    ["a release keyed as a use", { ...release, key: "revival:q1:al" }, "revival-release:q1:al"],
    ["a release of no card", { ...release, count: 0 }, "count"],
  ])("refuses %s", (_name, body, message) => {
    const r = parseSettlementEvent(body);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe("INVALID_EVENT");
      expect(r.message).toContain(message);
    }
  });

  it("builds the keys the room writes", () => {
    expect(eventKey(prize as never)).toBe("prize:q1:al");
    expect(eventKey(packet as never)).toBe("rain:q1:0:17");
    expect(eventKey(revival as never)).toBe("revival:q1:al");
    expect(eventKey(release as never)).toBe("revival-release:q1:al");
  });
});

describe("the builders", () => {
  // Stored in room outboxes and keyed in the ledger: these bytes must never change.
  it("build the exact keys and JSON bodies rooms write", () => {
    const p = prizeEvent({ activityId: "q1", userId: "al", amountCents: 334 });
    expect(p.key).toBe("prize:q1:al");
    expect(JSON.stringify(p.body)).toBe(
      '{"key":"prize:q1:al","kind":"prize","activityId":"q1","userId":"al","amountCents":334}',
    );
    const r = redPacketEvent({ amountCents: 5, packetIndex: 17, rain: 0, userId: "al", activityId: "q1" });
    expect(r.key).toBe("rain:q1:0:17");
    expect(JSON.stringify(r.body)).toBe(
      '{"key":"rain:q1:0:17","kind":"red_packet","activityId":"q1","userId":"al","rain":0,"packetIndex":17,"amountCents":5}',
    );
    const v = revivalCardEvent({ activityId: "q1", userId: "al", question: 2, count: 1 });
    expect(v.key).toBe("revival:q1:al");
    expect(JSON.stringify(v.body)).toBe(
      '{"key":"revival:q1:al","kind":"revival_card","activityId":"q1","userId":"al","question":2,"count":1}',
    );
    const g = revivalReleaseEvent({ count: 1, userId: "al", activityId: "q1" });
    expect(g.key).toBe("revival-release:q1:al");
    expect(JSON.stringify(g.body)).toBe(
      '{"key":"revival-release:q1:al","kind":"revival_release","activityId":"q1","userId":"al","count":1}',
    );
  });

  it("build what the parser accepts", () => {
    expect(
      parseSettlementEvent(prizeEvent({ activityId: "q1", userId: "al", amountCents: 334 }).body),
    ).toEqual({
      ok: true,
      event: prize,
    });
    expect(parseSettlementEvent(redPacketEvent(packet as never).body)).toEqual({ ok: true, event: packet });
    expect(parseSettlementEvent(revivalCardEvent(revival as never).body)).toEqual({
      ok: true,
      event: revival,
    });
    expect(parseSettlementEvent(revivalReleaseEvent(release as never).body)).toEqual({
      ok: true,
      event: release,
    });
  });
});

describe("redPacketKey", () => {
  it("names the packet: one packet, one key", () => {
    expect(redPacketKey("act_42", 0, 17)).toBe("rain:act_42:0:17");
    const keys = new Set<string>();
    for (const id of ["a", "a:1", "b"])
      for (let r = 0; r < 3; r++) for (let i = 0; i < 12; i++) keys.add(redPacketKey(id, r, i));
    expect(keys.size).toBe(3 * 3 * 12);
  });

  it("throws a RangeError for a negative or fractional rain or index", () => {
    expect(() => redPacketKey("a", -1, 0)).toThrow(RangeError);
    expect(() => redPacketKey("a", 0, 1.5)).toThrow(RangeError);
    expect(() => redPacketKey("a", 0, Number.NaN)).toThrow(RangeError);
  });
});
