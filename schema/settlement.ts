// The settlement contract: the events a room writes to its outbox and the Queue carries, their
// idempotency keys, one builder per kind (the room writes what they build) and the consumer's parser.
// The key is the idempotency key of everything the event causes, so it must be the canonical key
// of the event's contents: a body whose key says otherwise is invalid, not a conflict.
// Keys and bodies are stored (room outboxes, the ledger): never change their format.
import { z } from "zod";

/** A survivor's share of the prize pool, written when the game ends. */
export interface PrizeEvent {
  key: string;
  kind: "prize";
  activityId: string;
  userId: string;
  amountCents: number;
}

/** One red packet granted to a player during rain `rain`. */
export interface RedPacketEvent {
  key: string;
  kind: "red_packet";
  activityId: string;
  userId: string;
  rain: number;
  packetIndex: number;
  amountCents: number;
}

/** A revival card used by the room to keep a player in the game (at most one per player per game). */
export interface RevivalCardEvent {
  key: string;
  kind: "revival_card";
  activityId: string;
  userId: string;
  question: number;
  count: number;
}

/**
 * A revival card the room took into escrow when the player joined (docs/settlement.md) and did not
 * use: written when the game ends, it gives the card back to the player's balance, once.
 */
export interface RevivalReleaseEvent {
  key: string;
  kind: "revival_release";
  activityId: string;
  userId: string;
  count: number;
}

/** Every event a room settles through the Queue. */
export type SettlementEvent = PrizeEvent | RedPacketEvent | RevivalCardEvent | RevivalReleaseEvent;

/** An outbox row as a room writes it: the idempotency key and the event, the Queue message body. */
export interface SettlementEntry<E extends SettlementEvent = SettlementEvent> {
  key: string;
  body: E;
}

/**
 * The key of a survivor's prize: one share per player per activity.
 * @example prizeKey("q1", "al") // → "prize:q1:al"
 */
export function prizeKey(activityId: string, userId: string): string {
  return `prize:${activityId}:${userId}`;
}

/**
 * The key of a red packet: one packet = one grant = one key, whoever got it and however often the
 * grant is delivered. Throws a RangeError for a negative or non-integer rain or packet index (a bug).
 * @example redPacketKey("act_42", 0, 17) // → "rain:act_42:0:17"
 */
export function redPacketKey(activityId: string, rain: number, packetIndex: number): string {
  if (!Number.isSafeInteger(rain) || rain < 0) throw new RangeError(`redPacketKey: bad rain ${rain}`);
  if (!Number.isSafeInteger(packetIndex) || packetIndex < 0) {
    throw new RangeError(`redPacketKey: bad packetIndex ${packetIndex}`);
  }
  // The two integers come last, so the key parses from the right even if the id contains ':'.
  return `rain:${activityId}:${rain}:${packetIndex}`;
}

/**
 * The key of a revival card use: at most one per player per activity.
 * @example revivalKey("q1", "al") // → "revival:q1:al"
 */
export function revivalKey(activityId: string, userId: string): string {
  return `revival:${activityId}:${userId}`;
}

/**
 * The key of an unused escrowed card's release: at most one per player per activity, whoever writes
 * it (the room at the game's end, or reconciliation for an escrow no room will release).
 * @example revivalReleaseKey("q1", "al") // → "revival-release:q1:al"
 */
export function revivalReleaseKey(activityId: string, userId: string): string {
  return `revival-release:${activityId}:${userId}`;
}

/** An event as a room decides it, before its key is derived. */
export type UnkeyedSettlementEvent =
  | Omit<PrizeEvent, "key">
  | Omit<RedPacketEvent, "key">
  | Omit<RevivalCardEvent, "key">
  | Omit<RevivalReleaseEvent, "key">;

/** The canonical key of an event: what the room writes, what the ledger is keyed by. */
export function eventKey(e: UnkeyedSettlementEvent): string {
  switch (e.kind) {
    case "prize":
      return prizeKey(e.activityId, e.userId);
    case "red_packet":
      return redPacketKey(e.activityId, e.rain, e.packetIndex);
    case "revival_card":
      return revivalKey(e.activityId, e.userId);
    case "revival_release":
      return revivalReleaseKey(e.activityId, e.userId);
  }
}

// The builders list the fields in a fixed order: the JSON bodies stay byte-identical whatever order
// a caller's object has.

/**
 * A survivor's share of the prize pool.
 * @example prizeEvent({ activityId: "q1", userId: "al", amountCents: 334 })
 * // → { key: "prize:q1:al", body: { key: "prize:q1:al", kind: "prize", activityId: "q1", userId: "al", amountCents: 334 } }
 */
export function prizeEvent(e: Omit<PrizeEvent, "key" | "kind">): SettlementEntry<PrizeEvent> {
  const key = prizeKey(e.activityId, e.userId);
  return {
    key,
    body: { key, kind: "prize", activityId: e.activityId, userId: e.userId, amountCents: e.amountCents },
  };
}

/**
 * One red packet granted. Throws a RangeError for a bad rain or packet index (`redPacketKey`).
 * @example redPacketEvent({ activityId: "q1", userId: "al", rain: 0, packetIndex: 17, amountCents: 5 }).key // → "rain:q1:0:17"
 */
export function redPacketEvent(e: Omit<RedPacketEvent, "key" | "kind">): SettlementEntry<RedPacketEvent> {
  const key = redPacketKey(e.activityId, e.rain, e.packetIndex);
  return {
    key,
    body: {
      key,
      kind: "red_packet",
      activityId: e.activityId,
      userId: e.userId,
      rain: e.rain,
      packetIndex: e.packetIndex,
      amountCents: e.amountCents,
    },
  };
}

/**
 * A revival card used at question `question`.
 * @example revivalCardEvent({ activityId: "q1", userId: "al", question: 2, count: 1 }).key // → "revival:q1:al"
 */
export function revivalCardEvent(
  e: Omit<RevivalCardEvent, "key" | "kind">,
): SettlementEntry<RevivalCardEvent> {
  const key = revivalKey(e.activityId, e.userId);
  return {
    key,
    body: {
      key,
      kind: "revival_card",
      activityId: e.activityId,
      userId: e.userId,
      question: e.question,
      count: e.count,
    },
  };
}

/**
 * An unused escrowed card given back at the game's end.
 * @example revivalReleaseEvent({ activityId: "q1", userId: "al", count: 1 }).key // → "revival-release:q1:al"
 */
export function revivalReleaseEvent(
  e: Omit<RevivalReleaseEvent, "key" | "kind">,
): SettlementEntry<RevivalReleaseEvent> {
  const key = revivalReleaseKey(e.activityId, e.userId);
  return {
    key,
    body: { key, kind: "revival_release", activityId: e.activityId, userId: e.userId, count: e.count },
  };
}

/**
 * The outbox row of any event (the room's one way to write one): its key and its body.
 * @example settlementEntry({ kind: "prize", activityId: "q1", userId: "al", amountCents: 334 }).key // → "prize:q1:al"
 */
export function settlementEntry(e: UnkeyedSettlementEvent): SettlementEntry {
  switch (e.kind) {
    case "prize":
      return prizeEvent(e);
    case "red_packet":
      return redPacketEvent(e);
    case "revival_card":
      return revivalCardEvent(e);
    case "revival_release":
      return revivalReleaseEvent(e);
  }
}

const Id = z.string().min(1).max(64);
const Index = z.int().min(0).max(1_000_000);
const Cents = z.int().min(1).max(Number.MAX_SAFE_INTEGER);

const Event = z.discriminatedUnion("kind", [
  z.object({ key: z.string(), kind: z.literal("prize"), activityId: Id, userId: Id, amountCents: Cents }),
  z.object({
    key: z.string(),
    kind: z.literal("red_packet"),
    activityId: Id,
    userId: Id,
    rain: Index,
    packetIndex: Index,
    amountCents: Cents,
  }),
  z.object({
    key: z.string(),
    kind: z.literal("revival_card"),
    activityId: Id,
    userId: Id,
    question: Index,
    count: z.int().min(1).max(100),
  }),
  z.object({
    key: z.string(),
    kind: z.literal("revival_release"),
    activityId: Id,
    userId: Id,
    count: z.int().min(1).max(100),
  }),
]);

/** A message body that is not a settlement event, and why. */
export interface InvalidEvent {
  ok: false;
  code: "INVALID_EVENT";
  message: string;
}

/**
 * Parses a Queue message body (an object, or its JSON text) into a settlement event.
 * @example parseSettlementEvent({ key: "prize:q1:al", kind: "prize", activityId: "q1", userId: "al", amountCents: 5 })
 */
export function parseSettlementEvent(body: unknown): { ok: true; event: SettlementEvent } | InvalidEvent {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return { ok: false, code: "INVALID_EVENT", message: "body is not JSON" };
    }
  }
  const parsed = Event.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      code: "INVALID_EVENT",
      message: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
    };
  }
  const event = parsed.data;
  const expected = eventKey(event);
  if (event.key !== expected) {
    return {
      ok: false,
      code: "INVALID_EVENT",
      message: `key ${event.key} is not the event's key ${expected}`,
    };
  }
  return { ok: true, event };
}
