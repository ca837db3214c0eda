// What a room says it paid: its outbox rows as entries for reconciliation. Pure.
import type { OutboxRow } from "./outbox-store";

/**
 * One thing the room settled: a prize share, a red packet (amount in cents), a revival card use or an
 * escrowed card's release (count).
 */
export interface RoomSettlementEntry {
  key: string;
  kind: "prize" | "red_packet" | "revival_card" | "revival_release" | "unknown";
  userId: string | null;
  amountCents: number;
  count: number;
  createdMs: number;
  /** When the Queue last accepted it; null while it waits to be (re)sent. */
  sentMs: number | null;
}

/** A page of a room's record (RPC `LiveRoom.settlementRecord`). */
export interface RoomSettlementPage {
  /** The room's activity, or null for a room that never loaded one (it has paid nothing). */
  activityId: string | null;
  entries: RoomSettlementEntry[];
  /** Pass back to read the next page; null on the last. */
  nextAfterKey: string | null;
}

/** The most entries one RPC returns. */
export const RECORD_PAGE_LIMIT = 1_000;

function field(body: Record<string, unknown>, name: string): unknown {
  return body[name];
}

/**
 * Reads one outbox row as an entry; a body the room could not have written reads as `unknown`.
 * @example toEntry({ key: "prize:q:al", body: '{"kind":"prize","userId":"al","amountCents":5}', createdMs: 1, sentMs: 2 })
 * // → { key: "prize:q:al", kind: "prize", userId: "al", amountCents: 5, count: 0, createdMs: 1, sentMs: 2 }
 */
export function toEntry(row: OutboxRow): RoomSettlementEntry {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.body);
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Left as an unknown entry: reconciliation reports it.
  }
  const kind = field(body, "kind");
  const userId = field(body, "userId");
  const amount = field(body, "amountCents");
  const count = field(body, "count");
  const cards = kind === "revival_card" || kind === "revival_release";
  const known = kind === "prize" || kind === "red_packet" || cards;
  return {
    key: row.key,
    kind: known ? kind : "unknown",
    userId: typeof userId === "string" ? userId : null,
    amountCents: !cards && typeof amount === "number" ? amount : 0,
    count: cards && typeof count === "number" ? count : 0,
    createdMs: row.createdMs,
    sentMs: row.sentMs,
  };
}
