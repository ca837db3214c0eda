import { describe, expect, it } from "vitest";
import { type RoomSettlementEntry, toEntry } from "../../../durable-objects/features/settlement/record";
import {
  compareRecords,
  type EscrowFacts,
  escrowDifferences,
  escrowFigures,
  type LedgerEntry,
  totalsOf,
} from "../../../workers/settlement/reconcile";

function room(
  key: string,
  kind: RoomSettlementEntry["kind"],
  userId: string,
  amountCents: number,
  count = 0,
) {
  return { key, kind, userId, amountCents, count, createdMs: 1, sentMs: 2 } satisfies RoomSettlementEntry;
}
function ledger(key: string, kind: LedgerEntry["kind"], userId: string, amountCents: number, count = 0) {
  return { key, kind, userId, amountCents, count } satisfies LedgerEntry;
}

describe("compareRecords", () => {
  it("finds nothing when both sides hold the same keys and contents", () => {
    const r = [room("prize:q:a", "prize", "a", 334), room("revival:q:b", "revival_card", "b", 0, 1)];
    const l = [ledger("revival:q:b", "revival_card", "b", 0, 1), ledger("prize:q:a", "prize", "a", 334)];
    expect(compareRecords(r, l)).toEqual([]);
  });

  it("reports each kind of difference, in key order", () => {
    const r = [
      room("prize:q:a", "prize", "a", 334),
      room("prize:q:b", "prize", "b", 333),
      room("rain:q:0:1", "red_packet", "c", 10),
      room("rain:q:0:2", "red_packet", "c", 11),
    ];
    const l = [
      ledger("prize:q:b", "prize", "b", 330),
      ledger("rain:q:0:1", "red_packet", "d", 10),
      ledger("rain:q:0:2", "red_packet", "c", 11),
      ledger("rain:q:0:9", "red_packet", "e", 4),
    ];
    expect(compareRecords(r, l)).toEqual([
      {
        type: "missing_in_ledger",
        key: "prize:q:a",
        kind: "prize",
        userId: "a",
        amountCents: 334,
        count: 0,
        roomSentAtMs: 2,
      },
      {
        type: "amount_mismatch",
        key: "prize:q:b",
        kind: "prize",
        room: { userId: "b", amountCents: 333, count: 0 },
        ledger: { userId: "b", amountCents: 330, count: 0 },
      },
      {
        type: "recipient_mismatch",
        key: "rain:q:0:1",
        kind: "red_packet",
        room: { userId: "c", amountCents: 10, count: 0 },
        ledger: { userId: "d", amountCents: 10, count: 0 },
      },
      {
        type: "unknown_in_room",
        key: "rain:q:0:9",
        kind: "red_packet",
        userId: "e",
        amountCents: 4,
        count: 0,
      },
    ]);
  });

  it("sums each side per kind", () => {
    expect(
      totalsOf([
        room("p1", "prize", "a", 334),
        room("p2", "prize", "b", 333),
        room("r1", "red_packet", "a", 7),
        room("v1", "revival_card", "a", 0, 1),
        room("g1", "revival_release", "b", 0, 1),
      ]),
    ).toEqual({
      prizeCents: 667,
      prizeCount: 2,
      redPacketCents: 7,
      redPacketCount: 1,
      revivalUses: 1,
      revivalCards: 1,
      revivalReleases: 1,
    });
  });
});

describe("toEntry", () => {
  it("reads a room's outbox rows, and an unreadable one as unknown", () => {
    expect(
      toEntry({
        key: "prize:q:a",
        body: JSON.stringify({
          key: "prize:q:a",
          kind: "prize",
          activityId: "q",
          userId: "a",
          amountCents: 5,
        }),
        createdMs: 1,
        sentMs: null,
      }),
    ).toEqual({
      key: "prize:q:a",
      kind: "prize",
      userId: "a",
      amountCents: 5,
      count: 0,
      createdMs: 1,
      sentMs: null,
    });
    expect(
      toEntry({
        key: "revival:q:a",
        body: JSON.stringify({ kind: "revival_card", userId: "a", count: 1, question: 0 }),
        createdMs: 1,
        sentMs: 3,
      }),
    ).toMatchObject({ kind: "revival_card", amountCents: 0, count: 1 });
    expect(
      toEntry({
        key: "revival-release:q:a",
        body: JSON.stringify({ kind: "revival_release", userId: "a", count: 1 }),
        createdMs: 1,
        sentMs: null,
      }),
    ).toMatchObject({ kind: "revival_release", userId: "a", amountCents: 0, count: 1 });
    expect(toEntry({ key: "x", body: "{oops", createdMs: 1, sentMs: null })).toMatchObject({
      kind: "unknown",
      userId: null,
    });
  });
});

describe("escrowDifferences", () => {
  const escrow = (userId: string, cards = 1) => ({ userId, cards, takenAtMs: 100 });
  const move = (key: string, userId: string, returned?: boolean) => ({ key, userId, count: 1, returned });
  const facts = (over: Partial<EscrowFacts>): EscrowFacts => ({
    escrows: [],
    uses: [],
    releases: [],
    roomUsers: new Set(),
    ended: false,
    ...over,
  });

  it("finds nothing when every escrow is held, used once or released once", () => {
    const f = facts({
      escrows: [escrow("a"), escrow("b"), escrow("c")],
      uses: [move("revival:q:a", "a")],
      releases: [move("revival-release:q:b", "b", true), move("revival-release:q:z", "z", false)],
      roomUsers: new Set(["a", "b"]),
    });
    expect(escrowDifferences("q", f)).toEqual([]);
    expect(escrowDifferences("q", { ...f, ended: true })).toEqual([
      { type: "revival_escrow_held", key: "revival-escrow:q:c", userId: "c", cards: 1, takenAtMs: 100 },
    ]);
    expect(escrowFigures(f)).toEqual({ taken: 3, held: 1, used: 1, released: 1 });
  });

  it("reports a use no escrow covers", () => {
    expect(escrowDifferences("q", facts({ uses: [move("revival:q:a", "a")] }))).toEqual([
      { type: "revival_uncovered", key: "revival:q:a", userId: "a", count: 1 },
    ]);
  });

  it("reports an escrow used twice, released twice, or released and used", () => {
    const f = facts({
      escrows: [escrow("a"), escrow("b"), escrow("c")],
      uses: [move("revival:q:a", "a"), move("revival:q:a2", "a"), move("revival:q:c", "c")],
      releases: [
        move("revival-release:q:b", "b", true),
        move("x", "b", true),
        move("revival-release:q:c", "c", true),
      ],
      ended: true,
    });
    const common = { escrowed: 1, type: "revival_escrow_overdrawn" };
    expect(escrowDifferences("q", f)).toEqual([
      { ...common, key: "revival-escrow:q:a", userId: "a", problem: "used_twice", used: 2, returned: 0 },
      { ...common, key: "revival-escrow:q:b", userId: "b", problem: "released_twice", used: 0, returned: 2 },
      {
        ...common,
        key: "revival-escrow:q:c",
        userId: "c",
        problem: "released_and_used",
        used: 1,
        returned: 1,
      },
    ]);
  });

  it("leaves a held escrow alone while the game runs, or when the room wrote its use or release", () => {
    const f = facts({ escrows: [escrow("a")], roomUsers: new Set(["a"]), ended: true });
    expect(escrowDifferences("q", f)).toEqual([]);
    expect(escrowDifferences("q", { ...f, roomUsers: new Set(), ended: false })).toEqual([]);
  });
});
