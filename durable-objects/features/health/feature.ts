// The room's health (docs/live-room.md, "Show health") and its online count for viewers. At the
// coordinator: the record of pushed questions, the health view from every shard's part (gathered with
// the stats' `kernel.figures` call), and ONLINE_COUNT at most once a second when the count changed.
// On every shard: its part (answer lags, reconnects, outbox and settlement lag).
import { liveroom } from "../../../schema/proto";
import type { RoomHealthView, ShardHealthView } from "../../../schema/room-health";
import type { ShardStatsView } from "../../../schema/room-stats";
import { type Effect, notify } from "../../kernel/effects";
import type { Feature } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import type { QuizFeature } from "../quiz/feature";
import type { OutboxMark } from "../settlement/outbox-store";
import type { SettlementFeature } from "../settlement/feature";
import { ConnectionCounter } from "./connections";
import {
  ageOf,
  intakeOf,
  LAG_BUCKET_MS,
  type LagHistogram,
  oldest,
  perSecOver,
  type QuestionRecord,
} from "./intake";
import { appliedKeys, confirmed, PROBE_LIMIT, PROBE_ROUNDS } from "./settle-probe";
import { HealthStore } from "./store";

const T = liveroom.Type;
/** The coordinator's task that sends the online count: `onlineCount`. */
export const ONLINE_TASK = "onlineCount";
/** At most one ONLINE_COUNT a second. */
export const ONLINE_EVERY_MS = 1_000;

/** What the coordinator asks each shard for, with the stats' figures. */
export interface HealthAsk {
  questions: QuestionRecord[];
}

/** The health RPC's answer. */
export type HealthResult =
  | { ok: true; health: RoomHealthView }
  | { ok: false; code: "ACTIVITY_NOT_FOUND" | "SHARD_UNAVAILABLE"; message: string };

/** One shard's part of the health. */
export interface ShardHealthPart {
  /** Per asked question, in the asked order. */
  lags: LagHistogram[];
  reconnects: number;
  resumes: number;
  oldestUnsentMs: number | null;
  unapplied: number;
  oldestUnappliedMs: number | null;
}

export class HealthFeature implements Feature {
  readonly name = "health";
  readonly #s: RoomServices;
  readonly #store: HealthStore;
  readonly #quiz: QuizFeature;
  readonly #settlement: SettlementFeature;
  readonly #graceMs: number;
  readonly #connections = new ConnectionCounter();
  /** Histograms of questions this shard no longer takes answers for (a later one was pushed). */
  readonly #closed = new Map<string, LagHistogram>();
  /** Every sent event up to here was found applied in D1 (in memory: an eviction checks again). */
  #settledThrough: OutboxMark | null = null;
  /** The last online count sent, and when (the coordinator; in memory). */
  #sent: { online: number; atMs: number } | null = null;

  constructor(s: RoomServices, quiz: QuizFeature, settlement: SettlementFeature) {
    this.#s = s;
    this.#store = new HealthStore(s.sql);
    this.#quiz = quiz;
    this.#settlement = settlement;
    this.#graceMs = Number(s.env.ANSWER_GRACE_MS ?? "500");
  }

  readonly tasks = {
    [ONLINE_TASK]: { scope: "room" as const, run: (_arg: string, nowMs: number) => this.#sendOnline(nowMs) },
  };

  onBroadcast(type: number, event: liveroom.Notification.$Properties, nowMs: number): Effect[] {
    if (type === T.QUESTION && event.question != null) {
      this.#store.pushed(event.question.question ?? 0, nowMs, Number(event.question.deadlineMs ?? 0));
    } else if (type === T.ANSWER_REVEALED && event.reveal != null) {
      this.#store.revealed(event.reveal.question ?? 0, nowMs);
    }
    return [];
  }

  /** The coordinator's online count moved: ONLINE_COUNT goes out a second after the last at the earliest. */
  onOnlineChanged(_online: number, nowMs: number): Effect[] {
    const atMs = this.#sent === null ? nowMs : Math.max(nowMs, this.#sent.atMs + ONLINE_EVERY_MS);
    return [{ kind: "scheduleOnce", task: ONLINE_TASK, atMs }];
  }

  #sendOnline(nowMs: number): Effect[] {
    const online = this.#s.online();
    if (this.#sent?.online === online) return [];
    this.#sent = { online, atMs: nowMs };
    return [notify(T.ONLINE_COUNT, { onlineCount: { online } })];
  }

  /** A socket of `userId` was accepted on this shard. */
  connected(userId: string, nowMs: number): void {
    this.#connections.connected(userId, nowMs);
  }

  /** A RESUME frame on this shard. */
  resumed(nowMs: number): void {
    this.#connections.resumed(nowMs);
  }

  /** The coordinator's question: what to ask every shard. */
  ask(): HealthAsk {
    return { questions: this.#store.questions() };
  }

  /** This shard's part: its answers' lags per asked question, reconnects, and the settlement's lag. */
  async shardPart(ask: HealthAsk, nowMs: number): Promise<ShardHealthPart> {
    const current = this.#s.room().current?.index ?? -1;
    const lags = ask.questions.map(({ question, pushedAtMs }) => {
      const key = `${question}@${pushedAtMs}`;
      const cached = this.#closed.get(key);
      if (cached !== undefined) return cached;
      const h = this.#quiz.lagHistogram(question, pushedAtMs, LAG_BUCKET_MS);
      if (question < current) this.#closed.set(key, h);
      return h;
    });
    return {
      lags,
      ...this.#connections.counts(nowMs),
      oldestUnsentMs: this.#settlement.oldestUnsentMs(),
      ...(await this.#probe()),
    };
  }

  /** Checks the sent events after the last confirmed one against D1, a few rounds at most. */
  async #probe(): Promise<{ unapplied: number; oldestUnappliedMs: number | null }> {
    for (let round = 0; round < PROBE_ROUNDS; round++) {
      const probe = this.#settlement.sentAfter(this.#settledThrough, PROBE_LIMIT);
      if (probe.length === 0) break;
      let applied: Set<string>;
      try {
        applied = await appliedKeys(
          this.#s.env.DB,
          probe.map((m) => m.key),
        );
      } catch (err) {
        // D1 did not answer: nothing is known past the mark this time (the next call checks again).
        console.error("liveroom health: settlement check failed", { err: String(err) });
        break;
      }
      const r = confirmed(probe, applied);
      if (r.through !== null) this.#settledThrough = r.through;
      if (r.unapplied > 0) return { unapplied: r.unapplied, oldestUnappliedMs: r.oldestUnappliedMs };
      if (probe.length < PROBE_LIMIT) break;
    }
    return { unapplied: 0, oldestUnappliedMs: null };
  }

  /** The room's health from every shard's stats row and health part (the coordinator). */
  view(
    facts: { activityId: string; nowMs: number; online: number; roomSeq: number },
    ask: HealthAsk,
    rows: readonly { figures: ShardStatsView; health: ShardHealthPart }[],
  ): RoomHealthView {
    const { nowMs } = facts;
    const shards: ShardHealthView[] = rows.map(({ figures: f, health: h }) => ({
      shard: f.shard,
      online: f.online,
      roomSeq: f.roomSeq,
      behind: Math.max(0, facts.roomSeq - f.roomSeq),
      fanoutMs: f.fanoutMs,
      outboxBacklog: f.outboxBacklog,
      oldestUnsentAgeMs: ageOf(h.oldestUnsentMs, nowMs),
      unapplied: h.unapplied,
      oldestUnappliedAgeMs: ageOf(h.oldestUnappliedMs, nowMs),
      reconnects: h.reconnects,
      resumes: h.resumes,
      reconnectsPerSec: perSecOver(h.reconnects),
      resumesPerSec: perSecOver(h.resumes),
    }));
    const others = shards.filter((s) => s.shard !== 0);
    const slowest = others.reduce<ShardHealthView | null>(
      (m, s) => (m === null || s.fanoutMs > m.fanoutMs ? s : m),
      null,
    );
    const coordinatorMs = shards.find((s) => s.shard === 0)?.fanoutMs ?? 0;
    const sum = (pick: (s: ShardHealthView) => number) => shards.reduce((n, s) => n + pick(s), 0);
    const reconnects = sum((s) => s.reconnects);
    const resumes = sum((s) => s.resumes);
    return {
      activityId: facts.activityId,
      nowMs,
      shardCount: rows.length,
      online: facts.online,
      questions: ask.questions.map((q, i) =>
        intakeOf(
          q,
          rows.map((r) => r.health.lags[i] ?? []),
          nowMs,
          this.#graceMs,
        ),
      ),
      fanout: {
        lastSocketMs: Math.max(coordinatorMs, slowest?.fanoutMs ?? 0),
        coordinatorMs,
        slowestShard: slowest?.shard ?? 0,
        slowestShardMs: slowest?.fanoutMs ?? 0,
      },
      settlement: {
        outboxBacklog: sum((s) => s.outboxBacklog),
        oldestUnsentAgeMs: ageOf(oldest(rows.map((r) => r.health.oldestUnsentMs)), nowMs),
        unapplied: sum((s) => s.unapplied),
        oldestUnappliedAgeMs: ageOf(oldest(rows.map((r) => r.health.oldestUnappliedMs)), nowMs),
      },
      reconnects,
      resumes,
      reconnectsPerSec: perSecOver(reconnects),
      resumesPerSec: perSecOver(resumes),
      shards,
    };
  }
}
