// Reconciliation's comparison: what a room says it paid against what the ledger holds, key by key.
// Pure; reconcile-run.ts does the reading and the repair.
import type { RoomSettlementEntry } from "../../durable-objects/features/settlement/record";

/**
 * One settled thing as the ledger holds it: a transfer (prize, red packet), a revival card use, or
 * an escrowed card's release written by a room.
 */
export interface LedgerEntry {
  key: string;
  kind: "prize" | "red_packet" | "revival_card" | "revival_release";
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
    }
  | EscrowDifference;

/**
 * A revival card the escrows do not account for. `key` names the use (`revival_uncovered`) or the
 * escrow (`revival-escrow:<activity>:<user>`). No repair but `revival_escrow_held`'s release.
 */
export type EscrowDifference =
  /** A use no escrow of (user, activity) covers: a card spent that the room never held. */
  | { type: "revival_uncovered"; key: string; userId: string; count: number }
  /** An escrow spent more than it held: used twice, released twice, or released and used. */
  | {
      type: "revival_escrow_overdrawn";
      key: string;
      userId: string;
      problem: "used_twice" | "released_twice" | "released_and_used";
      escrowed: number;
      used: number;
      returned: number;
    }
  /**
   * The game ended, the escrow is still held and the room's record has neither a use nor a release
   * for its player: no room will ever give it back (a row lost after the take, or a join racing the
   * end). Repair releases it.
   */
  | { type: "revival_escrow_held"; key: string; userId: string; cards: number; takenAtMs: number };

/** Sums of one side, per kind. */
export interface Totals {
  prizeCents: number;
  prizeCount: number;
  redPacketCents: number;
  redPacketCount: number;
  revivalUses: number;
  revivalCards: number;
  /** Releases of escrowed cards (the room's events; on the ledger's side, the ones rooms wrote). */
  revivalReleases: number;
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
    revivalReleases: 0,
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
    } else if (e.kind === "revival_release") {
      t.revivalReleases += e.count;
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

/** An escrow of one activity as D1 holds it. */
export interface EscrowRow {
  userId: string;
  cards: number;
  takenAtMs: number;
}

/** A use or a release of one activity as D1 holds it (`returned`: the release gave a card back). */
export interface CardMove {
  key: string;
  userId: string;
  count: number;
  returned?: boolean;
}

/** What the escrows of one activity account for. */
export interface EscrowFacts {
  escrows: readonly EscrowRow[];
  uses: readonly CardMove[];
  releases: readonly CardMove[];
  /** Users the room's record has a revival use or release for (sent or not). */
  roomUsers: ReadonlySet<string>;
  /** The room's game is over: no answer, so no use, can come any more. */
  ended: boolean;
}

/** An escrow's name in a report. */
export function escrowName(activityId: string, userId: string): string {
  return `revival-escrow:${activityId}:${userId}`;
}

/**
 * Every card the escrows of `activityId` do not account for, by key: uses without an escrow, escrows
 * spent more than they held, and (once the game ended) escrows no room will give back.
 * @example escrowDifferences("q", { escrows: [], uses: [{ key: "revival:q:al", userId: "al", count: 1 }], ... })
 * // → [{ type: "revival_uncovered", key: "revival:q:al", userId: "al", count: 1 }]
 */
export function escrowDifferences(activityId: string, f: EscrowFacts): EscrowDifference[] {
  const out: EscrowDifference[] = [];
  const escrows = new Map(f.escrows.map((e) => [e.userId, e]));
  const sum = (moves: readonly CardMove[], userId: string) =>
    moves.filter((m) => m.userId === userId).reduce((n, m) => n + m.count, 0);
  for (const use of f.uses) {
    if (!escrows.has(use.userId)) {
      out.push({ type: "revival_uncovered", key: use.key, userId: use.userId, count: use.count });
    }
  }
  for (const e of f.escrows) {
    const used = sum(f.uses, e.userId);
    const returned = sum(
      f.releases.filter((r) => r.returned === true),
      e.userId,
    );
    const key = escrowName(activityId, e.userId);
    if (used + returned > e.cards) {
      const problem =
        used > e.cards ? "used_twice" : returned > e.cards ? "released_twice" : "released_and_used";
      out.push({
        type: "revival_escrow_overdrawn",
        key,
        userId: e.userId,
        problem,
        escrowed: e.cards,
        used,
        returned,
      });
    } else if (f.ended && used === 0 && returned === 0 && !f.roomUsers.has(e.userId)) {
      out.push({
        type: "revival_escrow_held",
        key,
        userId: e.userId,
        cards: e.cards,
        takenAtMs: e.takenAtMs,
      });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** How many escrows of an activity are held, used and given back. */
export interface EscrowFigures {
  taken: number;
  held: number;
  used: number;
  released: number;
}

/** Counts the escrows of one activity by state (an overdrawn escrow counts as used). */
export function escrowFigures(f: Pick<EscrowFacts, "escrows" | "uses" | "releases">): EscrowFigures {
  const used = new Set(f.uses.map((u) => u.userId));
  const released = new Set(f.releases.filter((r) => r.returned === true).map((r) => r.userId));
  const figures: EscrowFigures = { taken: f.escrows.length, held: 0, used: 0, released: 0 };
  for (const e of f.escrows) {
    if (used.has(e.userId)) figures.used += 1;
    else if (released.has(e.userId)) figures.released += 1;
    else figures.held += 1;
  }
  return figures;
}

/**
 * Where an ended activity's leftover pool and rain budget stand. `open`: the activity has not ended,
 * its pool and budget may still pay. `waiting`: it ended, but the room and the ledger still differ on
 * a prize or a red packet, so something may still have to be paid from them. `due`: ended, settled,
 * and something is left (a reconciliation with repair gives it back to issuance). `returned`: ended,
 * settled, and nothing is left (given back, or nothing was ever left).
 */
export type LeftoverState = "open" | "waiting" | "due" | "returned";

/**
 * The state of an activity's leftover from what reconciliation found: whether D1 says it ended, the
 * differences between its room and the ledger, and what its pool and budget hold. Only differences
 * about money (prizes, red packets) hold it back; revival-card ones move no money.
 * @example leftoverState({ ended: true, differences: [], left: { prizePoolCents: 0, rainBudgetCents: 13 } }) // "due"
 */
export function leftoverState(input: {
  ended: boolean;
  differences: readonly Difference[];
  left: { prizePoolCents: number; rainBudgetCents: number };
}): LeftoverState {
  if (!input.ended) return "open";
  const aboutMoney = input.differences.some(
    (d) => "kind" in d && (d.kind === "prize" || d.kind === "red_packet"),
  );
  if (aboutMoney) return "waiting";
  return input.left.prizePoolCents > 0 || input.left.rainBudgetCents > 0 ? "due" : "returned";
}
