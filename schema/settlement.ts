// The settlement events a room writes to its outbox and the Queue carries, and their parser.
// The key is the idempotency key of everything the event causes, so it must be the canonical key
// of the event's contents: a body whose key says otherwise is invalid, not a conflict.
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

/** Every event a room settles through the Queue. */
export type SettlementEvent = PrizeEvent | RedPacketEvent | RevivalCardEvent;

/** The canonical key of an event: what the room writes, what the ledger is keyed by. */
export function eventKey(
  e: Omit<PrizeEvent, "key"> | Omit<RedPacketEvent, "key"> | Omit<RevivalCardEvent, "key">,
): string {
  switch (e.kind) {
    case "prize":
      return `prize:${e.activityId}:${e.userId}`;
    case "red_packet":
      return `rain:${e.activityId}:${e.rain}:${e.packetIndex}`;
    case "revival_card":
      return `revival:${e.activityId}:${e.userId}`;
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
