// Reconciliation's comparison: what a room says it paid against what the ledger holds, key by key.
// Pure; reconcile-run.ts does the reading and the repair.
import type { RoomSettlementEntry } from "../../durable-objects/features/settlement/record";

/** One settled thing as the ledger holds it: a transfer (prize, red packet) or a revival card use. */
export interface LedgerEntry {
  key: string;
  kind: "prize" | "red_packet" | "revival_card";
  userId: string | null;
  amountCents: number;
  count: number;
}

/** One difference between a room and the ledger. Repair only ever re-sends `missing_in_ledger` keys. */
export type Difference =
  | {
      type: "missing_in_ledger";
      key: string;
      kind: RoomSettlementEntry["kind"];
      userId: string | null;
      amountCents: number;
      count: number;
      /** When the room last handed it to the Queue; null: it has not yet. */
      roomSentAtMs: number | null;
    }
  | {
      type: "amount_mismatch" | "recipient_mismatch";
      key: string;
      kind: RoomSettlementEntry["kind"];
      room: { userId: string | null; amountCents: number; count: number };
      ledger: { userId: string | null; amountCents: number; count: number };
    }
  | {
      type: "unknown_in_room";
      key: string;
      kind: LedgerEntry["kind"];
      userId: string | null;
      amountCents: number;
      count: number;
    };

/** Sums of one side, per kind. */
export interface Totals {
  prizeCents: number;
  prizeCount: number;
  redPacketCents: number;
  redPacketCount: number;
  revivalUses: number;
  revivalCards: number;
}

/** Totals of entries from either side. */
export function totalsOf(entries: readonly { kind: string; amountCents: number; count: number }[]): Totals {
  const t: Totals = {
    prizeCents: 0,
    prizeCount: 0,
    redPacketCents: 0,
    redPacketCount: 0,
    revivalUses: 0,
    revivalCards: 0,
  };
  for (const e of entries) {
    if (e.kind === "prize") {
      t.prizeCents += e.amountCents;
      t.prizeCount += 1;
    } else if (e.kind === "red_packet") {
      t.redPacketCents += e.amountCents;
      t.redPacketCount += 1;
    } else if (e.kind === "revival_card") {
      t.revivalUses += 1;
      t.revivalCards += e.count;
    }
  }
  return t;
}

/**
 * Every difference between a room's record and the ledger's entries for one activity, in key order.
 * @example compareRecords([{ key: "prize:q:al", kind: "prize", userId: "al", amountCents: 5, ... }], [])
 * // → [{ type: "missing_in_ledger", key: "prize:q:al", amountCents: 5, ... }]
 */
export function compareRecords(
  room: readonly RoomSettlementEntry[],
  ledger: readonly LedgerEntry[],
): Difference[] {
  const held = new Map(ledger.map((e) => [e.key, e]));
  const said = new Set(room.map((e) => e.key));
  const out: Difference[] = [];
  for (const r of room) {
    const l = held.get(r.key);
    if (l === undefined) {
      out.push({
        type: "missing_in_ledger",
        key: r.key,
        kind: r.kind,
        userId: r.userId,
        amountCents: r.amountCents,
        count: r.count,
        roomSentAtMs: r.sentMs,
      });
      continue;
    }
    const amountDiffers = l.amountCents !== r.amountCents || l.count !== r.count || l.kind !== r.kind;
    if (amountDiffers || l.userId !== r.userId) {
      out.push({
        type: amountDiffers ? "amount_mismatch" : "recipient_mismatch",
        key: r.key,
        kind: r.kind,
        room: { userId: r.userId, amountCents: r.amountCents, count: r.count },
        ledger: { userId: l.userId, amountCents: l.amountCents, count: l.count },
      });
    }
  }
  for (const l of ledger) {
    if (!said.has(l.key)) {
      out.push({
        type: "unknown_in_room",
        key: l.key,
        kind: l.kind,
        userId: l.userId,
        amountCents: l.amountCents,
        count: l.count,
      });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
