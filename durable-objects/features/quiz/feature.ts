// The live quiz as a feature: answers (player-scoped), and the operator's open, push, reveal and end
// (room-scoped). The rules are the pure modules in ../../quiz; this file moves rows and effects.
import { commit, KEY_BYTES, SALT_BYTES } from "../../../client/commitment";
import { sealPad } from "../../../client/seal";
import type { ActivityConfig } from "../../../schema/activity";
import { liveroom } from "../../../schema/proto";
import { loadStreamDelayBudget } from "../../../schema/queries/activities";
import { takeRevivalEscrows } from "../../../schema/queries/revival";
import { BatchLoader } from "../../kernel/batch-loader";
import { createRateWindow, ratePerSec, recordEvents } from "../../kernel/rate-window";
import { type Effect, broadcast, refuse } from "../../kernel/effects";
import { type Feature, frames } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import { answerRevealed, fromBase64, gameOver, questionPushed, toBase64 } from "../../protocol/encode";
import { judgeAnswer, settleMissed } from "./answer";
import { decideClose, decideEnd, decideOpen, decidePush, decideReveal } from "./operator";
import { cardsToRelease, mayEscrowCard } from "./revival";
import type { PlayerState, RoomState } from "./state";
import { visiblePlayer } from "./visible";
import { type QuizState, QuizStore } from "./store";

const T = liveroom.Type;
/** The task that closes question k's window: `close:<k>`. */
const CLOSE = "close";
/** The task that has shard k write its winners' prizes and give back unused cards: `award:<k>`. */
const AWARD = "award";

/** What a reveal or an end gathered from every shard before its handler ran (DESIGN §8). */
type Gathered =
  | { kind: "counts"; counts: number[] }
  | { kind: "survivors"; byShard: string[][] }
  | { kind: "unavailable" };

/** A shard's figures for the operator's stats. */
export interface QuizShardFigures {
  players: number;
  alive: number;
  /** Answers per option of the current question on this shard. */
  counts: number[];
  /** Answers accepted per second here, over the last 5 s. */
  answersPerSec: number;
}

/** A push's secrets, drawn and committed to before its handler runs. */
interface PushSecrets {
  keyB64: string;
  commitment: { saltB64: string; commitmentB64: string } | undefined;
  /** The activity's stream-delay budget, read from D1 (the room's copy of the activity lacks it). */
  delayBudgetMs: number;
}

/** The quiz's part of a player's snapshot. */
export interface QuizWelcome {
  player: PlayerState;
  /** Their sealed answer to the current question, if they answered it. */
  sealed: Uint8Array | undefined;
  prizeCents: number;
}

/** The quiz's part of the operator's stats. */
export interface QuizStats {
  players: number;
  alive: number;
  currentQuestion: number;
  counts: number[];
}

export class QuizFeature implements Feature {
  readonly name = "quiz";
  readonly #s: RoomServices;
  readonly #store: QuizStore;
  #state: QuizState;
  readonly #graceMs: number;
  // Connects arriving together share one D1 batch for their revival-card escrows (bench: connect storm).
  readonly #cards: BatchLoader<number>;
  /** Seal pads computed by `prepare` for the key then current, used by the synchronous `handle` right after. */
  readonly #pads = new Map<string, { keyB64: string; pad: number }>();
  /** Each PUSH_QUESTION's key, salt and commitment, computed by `prepare` (Web Crypto is async) for its `handle`. */
  readonly #pushes = new WeakMap<object, PushSecrets>();
  /** The current question's key, decoded once per question; rebuilt after a wake. */
  #key: { b64: string; bytes: Uint8Array } | null = null;
  /** This shard's own part: the last question it closed to answers, and whether it awarded its winners. */
  #shard: { closedThrough: number; awarded: boolean };
  /** What a REVEAL's or END's `prepare` gathered from the shards, for its `handle`. */
  readonly #gathered = new WeakMap<object, Gathered>();
  // In memory only: a rate for the operator, reset by an eviction.
  #answerRate = createRateWindow(5);

  constructor(s: RoomServices) {
    this.#s = s;
    this.#store = new QuizStore(s.sql);
    this.#state = this.#store.loadState();
    this.#shard = this.#store.shardState();
    this.#graceMs = Number(s.env.ANSWER_GRACE_MS ?? "500");
    this.#cards = new BatchLoader(
      (ids) => takeRevivalEscrows(s.env.DB, s.activity().id, ids, s.clock.now()),
      0,
    );
  }

  /** The room state the pure rules take. */
  room(activity: ActivityConfig | null): RoomState {
    return { activity, ...this.#state };
  }

  /**
   * Creates the player's row unless it exists. A player who can still play takes one revival card
   * from their D1 balance into this activity's escrow (idempotent: a lost row asks again and gets
   * the same escrow); the row holds 1 card if one was taken, else 0. The card is given back at the
   * end if unused (END), so it can never save its holder in two rooms, and another room's welcome
   * never depends on what the player answered here (docs/security.md).
   */
  async ensurePlayer(userId: string): Promise<void> {
    if (this.#store.getPlayer(userId) !== null) return;
    const cards = mayEscrowCard(this.#room()) ? await this.#cards.get(userId) : 0;
    this.#store.ensurePlayer(userId, cards);
  }

  readonly frames = frames({
    [T.ANSWER]: {
      scope: "player",
      role: "viewer",
      prepare: async (_req, ctx) => {
        await this.ensurePlayer(ctx.userId);
        const current = this.#state.current;
        if (current === null) return;
        const pad = await sealPad(this.#questionKey(current.keyB64), ctx.userId);
        this.#pads.set(ctx.userId, { keyB64: current.keyB64, pad });
      },
      handle: (req, ctx) => {
        const pad = this.#pads.get(ctx.userId);
        this.#pads.delete(ctx.userId);
        // A question pushed while this answer was being prepared: it was not sent for that question.
        if (pad !== undefined && pad.keyB64 !== this.#state.current?.keyB64) {
          return [refuse("NOT_CURRENT_QUESTION", "answer rejected: NOT_CURRENT_QUESTION")];
        }
        const read = this.#store.playerAndAnswer(req.question, ctx.userId)!;
        const decision = judgeAnswer({
          room: this.#answerRoom(),
          player: read.player,
          alreadyAnswered: read.answered,
          question: req.question,
          option: req.option,
          nowMs: ctx.nowMs,
          graceMs: this.#graceMs,
          streamPosMs: req.streamPosMs,
        });
        if (decision.kind === "rejected") return [refuse(decision.code, `answer rejected: ${decision.code}`)];
        this.#store.putPlayer(decision.player);
        this.#store.recordAnswer(req.question, ctx.userId, req.option, decision.outcome, ctx.nowMs);
        this.#answerRate = recordEvents(this.#answerRate, ctx.nowMs);
        // Accepted means a question is current, so `prepare` computed its pad.
        const sealed = Uint8Array.of(decision.outcome ^ pad!.pad);
        const effects: Effect[] = [{ kind: "reply", result: { answer: { question: req.question, sealed } } }];
        if (decision.usedRevival) effects.push(this.#revival(ctx.userId, req.question));
        return effects;
      },
    },
    [T.OPEN]: {
      scope: "room",
      role: "host",
      handle: () => {
        const d = decideOpen(this.#room());
        if (d.kind === "rejected") return [refuse(d.code, d.message)];
        this.#commit(d.room);
        const activity = this.#s.activity();
        return [
          broadcast(T.ROOM_OPENED, {
            roomOpened: { title: activity.title, questionCount: activity.questions.length },
          }),
          { kind: "mirrorStatus", status: "live" },
          { kind: "replyStats" },
        ];
      },
    },
    [T.PUSH_QUESTION]: {
      scope: "room",
      role: "host",
      prepare: async (req) => {
        const key = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
        const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
        // The activity is null in a room that never loaded one; decidePush refuses the push then, as it
        // does an unknown question, and the key is never used.
        const activity: ActivityConfig | null = this.#s.activity();
        const config = activity?.questions[req.question];
        const commitment =
          activity === null || config === undefined
            ? undefined
            : await commit(key, activity.id, req.question, config.correct, salt);
        const delayBudgetMs =
          activity === null ? 0 : await loadStreamDelayBudget(this.#s.env.DB, activity.id);
        this.#pushes.set(req, {
          delayBudgetMs,
          keyB64: toBase64(key),
          commitment:
            commitment === undefined
              ? undefined
              : { saltB64: toBase64(salt), commitmentB64: toBase64(commitment) },
        });
      },
      handle: (req, ctx) => {
        const secrets = this.#pushes.get(req);
        this.#pushes.delete(req);
        const d = decidePush(this.#room(), {
          question: req.question,
          nowMs: ctx.nowMs,
          streamTsMs: req.streamTsMs,
          keyB64: secrets?.keyB64 ?? toBase64(crypto.getRandomValues(new Uint8Array(KEY_BYTES))),
          commitment: secrets?.commitment,
          delayBudgetMs: secrets?.delayBudgetMs ?? 0,
        });
        if (d.kind === "rejected") return [refuse(d.code, d.message)];
        const current = d.room.current!;
        this.#commit(d.room);
        return [
          { kind: "schedule", task: `${CLOSE}:${current.index}`, atMs: current.deadlineMs + this.#graceMs },
          broadcast(T.QUESTION, { question: questionPushed(this.#s.activity(), current) }),
          { kind: "replyStats" },
        ];
      },
    },
    [T.REVEAL]: {
      scope: "room",
      role: "host",
      // Every shard closes the window and counts its players' answers; only then is anything revealed.
      prepare: async (req) => {
        const current = this.#state.current;
        const open = this.#state.phase === "asking" || this.#state.phase === "closed";
        if (current === null || !open || req.question !== current.index) return;
        this.#gathered.set(req, await this.#gather(() => this.#gatherCounts(current.index)));
      },
      handle: (req) => {
        const gathered = this.#gathered.get(req);
        this.#gathered.delete(req);
        if (gathered?.kind === "unavailable") return [this.#unavailable()];
        const counts = gathered?.kind === "counts" ? gathered.counts : [];
        const effects = this.#closePhase();
        const d = decideReveal(this.#room(), { question: req.question, counts, streamTsMs: req.streamTsMs });
        if (d.kind === "rejected") return [...effects, refuse(d.code, d.message)];
        // Not gathered but revealable: the phase moved while this waited; never reveal uncounted.
        if (gathered === undefined) return [...effects, this.#unavailable()];
        this.#commit(d.room);
        return [
          ...effects,
          broadcast(T.ANSWER_REVEALED, { reveal: answerRevealed(d.reveal) }),
          { kind: "replyStats" },
        ];
      },
    },
    [T.END]: {
      scope: "room",
      role: "host",
      // Every shard settles the last question and names its survivors; the split is computed once, here.
      prepare: async (req) => {
        const last = this.#s.activity().questions.length - 1;
        if (this.#state.phase !== "revealed" || this.#state.current?.index !== last) return;
        const gathered = await this.#gather(async () => ({
          kind: "survivors" as const,
          byShard: await this.#s.shards.each<string[]>("quiz.survivors", last),
        }));
        this.#gathered.set(req, gathered);
      },
      handle: (req) => {
        const gathered = this.#gathered.get(req);
        this.#gathered.delete(req);
        if (gathered?.kind === "unavailable") return [this.#unavailable()];
        const byShard = gathered?.kind === "survivors" ? gathered.byShard : [];
        const d = decideEnd(this.#room(), byShard.flat());
        if (d.kind === "rejected") return [refuse(d.code, d.message)];
        if (gathered === undefined) return [this.#unavailable()];
        // Each shard writes its own winners' prize rows (the `award:<k>` task, run at once and retried).
        const cents = new Map(d.split.shares.map((share) => [share.userId, share.cents]));
        const effects: Effect[] = [];
        byShard.forEach((users, k) => {
          this.#store.saveAwards(
            k,
            users.map((userId) => ({ userId, cents: cents.get(userId)! })),
          );
        });
        this.#commit(d.room);
        effects.push(broadcast(T.GAME_OVER, { gameOver: gameOver(d.room.gameOver!) }));
        for (let k = 0; k < this.#s.shards.count(); k++)
          effects.push({ kind: "runTask", task: `${AWARD}:${k}` });
        effects.push({ kind: "mirrorStatus", status: "ended" }, { kind: "replyStats" });
        return effects;
      },
    },
  });

  readonly tasks = {
    /** `close:<k>`: question k's window closed: every shard settles its players, then the phase moves. */
    [CLOSE]: {
      scope: "room" as const,
      run: async (arg: string): Promise<Effect[]> => {
        const question = Number(arg);
        if (this.#state.phase !== "asking" || this.#state.current?.index !== question) return [];
        // Throws when a shard is unreachable: the task is retried, and the phase moves only once all closed.
        await this.#gatherCounts(question);
        return this.#closePhase();
      },
    },
    /** `award:<k>`: shard k writes its winners' prizes and releases unused cards (idempotent there). */
    [AWARD]: {
      scope: "room" as const,
      run: async (arg: string): Promise<Effect[]> => {
        const k = Number(arg);
        await this.#s.shards.one(k, "quiz.award", this.#store.awardsOf(k));
        return [];
      },
    },
  };

  /** What a shard does for its coordinator (DESIGN §8). */
  readonly shardOps = {
    /** Closes question q to this shard's answers, settles its players who missed it, and counts. */
    close: (arg: unknown) => {
      const q = Number(arg);
      const effects = this.#settle(q);
      const options = this.#s.activity().questions[q]?.options.length ?? 0;
      return { result: this.#store.counts(q, options), effects };
    },
    /** Settles the last question here (if not yet) and names this shard's survivors, by user id. */
    survivors: (arg: unknown) => {
      const last = Number(arg);
      const effects = this.#settle(last);
      return { result: this.#store.survivors(last), effects };
    },
    /** Writes this shard's winners' prizes and releases every unused card, once. */
    award: (arg: unknown) => ({
      result: null,
      effects: this.#award(arg as { userId: string; cents: number }[]),
    }),
    /** This shard's figures for the operator's stats. */
    figures: () => ({ result: this.shardFigures(), effects: [] }),
  };

  /** The room-scoped state a shard judges answers with: the phase, the current question and its key. */
  replica(): unknown {
    return this.#state;
  }

  applyReplica(state: unknown): void {
    this.#commit({ activity: null, ...(state as QuizState) });
  }

  /** The quiz's part of a socket's welcome: the player as others may see them, their sealed answer, their prize. */
  async welcome(userId: string): Promise<QuizWelcome> {
    const current = this.#state.current;
    const outcome = current === null ? null : this.#store.answerOutcome(current.index, userId);
    // Hosts and admins get a row only if they answer (no revival card is escrowed for them).
    const row = this.#store.getPlayer(userId) ?? {
      userId,
      status: "spectator" as const,
      passed: -1,
      revivalCards: 0,
      revivalUsed: false,
    };
    const player = visiblePlayer(this.#room(), row, outcome);
    const sealed =
      current === null || outcome === null
        ? undefined
        : Uint8Array.of(outcome ^ (await sealPad(this.#questionKey(current.keyB64), userId)));
    return { player, sealed, prizeCents: this.#store.prizeCents(userId) };
  }

  /** The room's quiz figures from every shard's (the coordinator sums them). */
  stats(shards: readonly QuizShardFigures[]): QuizStats {
    const current = this.#state.current;
    const options = current === null ? 0 : (this.#s.activity().questions[current.index]?.options.length ?? 0);
    const counts = new Array<number>(current === null ? 0 : options).fill(0);
    for (const s of shards) addInto(counts, s.counts);
    return {
      players: shards.reduce((n, s) => n + s.players, 0),
      alive: shards.reduce((n, s) => n + s.alive, 0),
      currentQuestion: current?.index ?? -1,
      counts,
    };
  }

  /** This shard's players and its answers to the current question. */
  shardFigures(): QuizShardFigures {
    const current = this.#state.current;
    const options = current === null ? 0 : (this.#s.activity().questions[current.index]?.options.length ?? 0);
    return {
      ...this.#store.playerCounts(),
      counts: current === null ? [] : this.#store.counts(current.index, options),
      answersPerSec: ratePerSec(this.#answerRate, this.#s.clock.now()),
    };
  }

  /** This shard's answers to question q by lag after its push (the health's intake; health/intake.ts). */
  lagHistogram(q: number, pushedAtMs: number, bucketMs: number): [number, number][] {
    return this.#store.lagHistogram(q, pushedAtMs, bucketMs);
  }

  /** Every shard's counts for question q, summed (every shard closes q to answers first). */
  async #gatherCounts(q: number): Promise<Gathered> {
    const parts = await this.#s.shards.each<number[]>("quiz.close", q);
    const counts: number[] = [];
    for (const part of parts) addInto(counts, part);
    return { kind: "counts", counts };
  }

  /** A gather that could not reach every shard: nothing is decided from part of the room. */
  async #gather(run: () => Promise<Gathered>): Promise<Gathered> {
    try {
      return await run();
    } catch (err) {
      console.error("liveroom gather failed", { activityId: this.#s.activity().id, err: String(err) });
      return { kind: "unavailable" };
    }
  }

  #unavailable(): Effect {
    return refuse("SHARD_UNAVAILABLE", "a shard of the room did not answer: nothing changed, try again");
  }

  /** The room's phase leaves "asking" (idempotent); the shards settled their players already. */
  #closePhase(): Effect[] {
    const d = decideClose(this.#room());
    if (d.kind === "none") return [];
    this.#commit(d.room);
    return [{ kind: "cancel", task: `${CLOSE}:${d.question}` }];
  }

  /** This shard stops taking answers to q and settles everyone here who did not answer it (idempotent). */
  #settle(q: number): Effect[] {
    const effects: Effect[] = [];
    for (const player of this.#store.missedAnswer(q)) {
      const settled = settleMissed(player, q);
      this.#store.putPlayer(settled.player);
      if (settled.usedRevival) effects.push(this.#revival(player.userId, q));
    }
    if (this.#shard.closedThrough < q) {
      this.#shard = { ...this.#shard, closedThrough: q };
      this.#store.saveShardState(this.#shard);
    }
    return effects;
  }

  /** The end on this shard: its winners' prize rows and PRIZE frames, every unused card given back. Once. */
  #award(shares: readonly { userId: string; cents: number }[]): Effect[] {
    if (this.#shard.awarded) return [];
    const activity = this.#s.activity();
    const effects: Effect[] = [];
    for (const share of shares) {
      this.#store.setWinner(share.userId, share.cents);
      effects.push({
        kind: "outbox",
        event: { kind: "prize", activityId: activity.id, userId: share.userId, amountCents: share.cents },
      });
    }
    // Every escrowed card left unused goes back to its holder's balance, once (its key).
    for (const player of this.#store.unusedCards()) {
      const count = cardsToRelease(player);
      if (count === 0) continue;
      this.#store.putPlayer({ ...player, revivalCards: 0 });
      effects.push({
        kind: "outbox",
        event: { kind: "revival_release", activityId: activity.id, userId: player.userId, count },
      });
    }
    this.#shard = { ...this.#shard, awarded: true };
    this.#store.saveShardState(this.#shard);
    for (const share of shares) {
      effects.push({
        kind: "sendUser",
        userId: share.userId,
        type: T.PRIZE,
        event: { prize: { cents: share.cents } },
      });
    }
    return effects;
  }

  /** The room as this shard judges an answer: a question it already closed here is closed. */
  #answerRoom(): RoomState {
    const room = this.#room();
    const closedHere = room.current !== null && this.#shard.closedThrough >= room.current.index;
    return closedHere && room.phase === "asking" ? { ...room, phase: "closed" } : room;
  }

  #revival(userId: string, question: number): Effect {
    return {
      kind: "outbox",
      event: { kind: "revival_card", activityId: this.#s.activity().id, userId, question, count: 1 },
    };
  }

  #room(): RoomState {
    return this.room(this.#s.activity());
  }

  #commit(room: RoomState): void {
    const { activity: _, ...state } = room;
    this.#state = state;
    this.#store.saveState(state);
  }

  #questionKey(b64: string): Uint8Array {
    if (this.#key?.b64 !== b64) this.#key = { b64, bytes: fromBase64(b64) };
    return this.#key.bytes;
  }
}

/** Adds `part` into `sum`, element by element (the per-option counts of one shard). */
function addInto(sum: number[], part: readonly number[]): void {
  part.forEach((n, i) => {
    sum[i] = (sum[i] ?? 0) + n;
  });
}
