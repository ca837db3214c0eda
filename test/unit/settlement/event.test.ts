import { describe, expect, it } from "vitest";
import { eventKey, parseSettlementEvent } from "../../../schema/settlement";

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

describe("parseSettlementEvent", () => {
  it("reads the three events a room writes, as objects or JSON text", () => {
    expect(parseSettlementEvent(prize)).toEqual({ ok: true, event: prize });
    expect(parseSettlementEvent(JSON.stringify(packet))).toEqual({ ok: true, event: packet });
    expect(parseSettlementEvent(revival)).toEqual({ ok: true, event: revival });
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
  });
});
