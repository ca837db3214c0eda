// What a feature's handler asks the kernel to do. Handlers decide; the kernel applies: storage
// effects inside the same transaction as the handler's own writes, sends after it committed.
import type { liveroom } from "../../schema/proto";
import type { CoinPostResult, CoinTransfer } from "../../schema/queries/coins";
import type { UnkeyedSettlementEvent } from "../../schema/settlement";

/** A `liveroom.Code` name. */
export type CodeName = keyof typeof liveroom.Code;
export type NotificationEvent = Omit<liveroom.Notification.$Properties, "roomSeq">;
export type ResponseResult = Omit<liveroom.Response.$Properties, "status" | "code" | "message">;
/** A settlement event without its key: the kernel derives key and body (schema/settlement.ts `settlementEntry`). */
export type OutboxEvent = UnkeyedSettlementEvent;

/** What the coin debit a gift asks for did: posted to the D1 ledger, or D1 was unavailable. */
export type CoinPosting = CoinPostResult | { status: "unavailable" };

export type Effect =
  /** Answers the request (a frame, or an operator's RPC) with this result. */
  | { kind: "reply"; result: ResponseResult }
  /**
   * Answers an operator's request with the room's stats as they stand after the commit. Other
   * shards' rows may be up to a second old unless `fresh` (an explicit STATS request): an operator's
   * step does not cost a call to every shard for its figures.
   */
  | { kind: "replyStats"; fresh?: true }
  /** Refuses the request with a documented code. */
  | { kind: "refuse"; code: CodeName; message: string }
  /** A numbered notification: stored for RESUME, recorded for the replay, sent to every socket. */
  | { kind: "broadcast"; type: number; event: NotificationEvent }
  /** An unnumbered notification to every socket (ephemeral: danmaku ticks, likes). */
  | { kind: "notify"; type: number; event: NotificationEvent }
  /** An unnumbered notification to one user's sockets (their prize). */
  | { kind: "sendUser"; userId: string; type: number; event: NotificationEvent }
  /** Schedules (or moves) a named task of this feature. */
  | { kind: "schedule"; task: string; atMs: number }
  /** Schedules a task unless it is already scheduled. */
  | { kind: "scheduleOnce"; task: string; atMs: number }
  | { kind: "cancel"; task: string }
  /** Schedules a task for now and runs it right after the commit; the alarm retries it if it throws. */
  | { kind: "runTask"; task: string }
  /** A money movement for the ledger, through the outbox (exactly once, docs/settlement.md). */
  | { kind: "outbox"; event: OutboxEvent }
  /** The activity's lifecycle in D1 (the home page and the admin list read it); retried until it lands. */
  | { kind: "mirrorStatus"; status: "live" | "ended" }
  /** Debits coins in the D1 ledger, then runs `afterDebit` with the result in a new transaction. */
  | {
      kind: "debitCoins";
      transfer: CoinTransfer;
      afterDebit: (posting: CoinPosting, nowMs: number) => Effect[];
    };

/** Shorthands for the effects handlers return most. */
export const reply = (result: ResponseResult = {}): Effect => ({ kind: "reply", result });
export const refuse = (code: CodeName, message: string): Effect => ({ kind: "refuse", code, message });
export const broadcast = (type: number, event: NotificationEvent): Effect => ({
  kind: "broadcast",
  type,
  event,
});
export const notify = (type: number, event: NotificationEvent): Effect => ({ kind: "notify", type, event });
