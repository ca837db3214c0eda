// The live poll as a feature: the host's POLL_OPEN and POLL_CLOSE (room-scoped), viewers' POLL_VOTE
// (player-scoped: one vote per user per poll), the totals tick `pollTick` (at most one POLL_TOTALS a
// tick, only when a vote moved them) and the timer `pollEnd:<id>`. Rules in ./rules.ts.
import { liveroom } from "../../../schema/proto";
import type { RoomStatsView } from "../../../schema/room-stats";
import { broadcast, type Effect, notify, refuse, reply } from "../../kernel/effects";
import { type Feature, frames } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import {
  decideClose,
  decideOpen,
  decideTimeout,
  decideVote,
  isDue,
  planTick,
  type Poll,
  tickTotals,
  votes,
} from "./rules";
import { type PollState, PollStore } from "./store";

const T = liveroom.Type;
export const POLL_TICK_TASK = "pollTick";
export const POLL_END_TASK = "pollEnd";

export type PollStats = Pick<RoomStatsView, "pollsOpened" | "pollVotes">;

/** Every field of a message written (as registry.ts `Complete`, which this module cannot import). */
type Full<P> = { [K in Exclude<keyof P, "$unknowns">]-?: Exclude<P[K], undefined | null> };

/** A poll as the wire carries it (POLL_OPENED, the snapshot, the host's answers). */
export function pollMessage(p: Poll): Full<liveroom.Poll.$Properties> {
  return {
    id: p.id,
    question: p.question,
    choices: p.choices,
    totals: p.totals,
    openedAtMs: p.openedAtMs,
    endsAtMs: p.endsAtMs ?? 0,
    open: p.closedAtMs === null,
  };
}

export class PollFeature implements Feature {
  readonly name = "poll";
  readonly #store: PollStore;
  #state: PollState;
  /** The room's latest poll (open or closed), mirrored from storage. */
  #poll: Poll | null;

  constructor(s: RoomServices) {
    this.#store = new PollStore(s.sql);
    this.#state = this.#store.load();
    this.#poll = this.#store.latest();
  }

  readonly frames = frames({
    [T.POLL_OPEN]: {
      scope: "room",
      role: "host",
      handle: (req, ctx) => {
        const effects = this.#catchUp(ctx.nowMs);
        const d = decideOpen(this.#poll, req, this.#state.opened + 1, ctx.nowMs);
        if (!d.ok) return [...effects, refuse(d.code, d.message)];
        const poll = d.poll;
        this.#put(poll);
        this.#commit({ ...this.#state, opened: poll.id, shownVotes: 0, tickAtMs: null });
        effects.push(broadcast(T.POLL_OPENED, { pollOpened: pollMessage(poll) }));
        if (poll.endsAtMs !== null) {
          effects.push({ kind: "schedule", task: `${POLL_END_TASK}:${poll.id}`, atMs: poll.endsAtMs });
        }
        return [...effects, reply({ poll: pollMessage(poll) })];
      },
    },
    [T.POLL_CLOSE]: {
      scope: "room",
      role: "host",
      handle: (req, ctx) => {
        const effects = this.#catchUp(ctx.nowMs);
        const d = decideClose(this.#poll, req.pollId, ctx.nowMs);
        if (!d.ok) return [...effects, refuse(d.code, d.message)];
        return [...effects, ...this.#close(d.poll), reply({ poll: pollMessage(d.poll) })];
      },
    },
    [T.POLL_VOTE]: {
      // At the coordinator, with the whole room's state, until this feature is split per shard (docs/scale.md).
      scope: "room",
      role: "viewer",
      handle: (req, ctx) => {
        const now = ctx.nowMs;
        const effects = this.#catchUp(now);
        const poll = this.#poll;
        const prior = poll?.id === req.pollId ? this.#store.voteOf(poll.id, ctx.userId) : null;
        const d = decideVote(poll, req, prior, now);
        if (!d.ok) return [...effects, refuse(d.code, d.message)];
        this.#store.putVote(d.poll.id, ctx.userId, req.choice, now);
        this.#put(d.poll);
        this.#commit({ ...this.#state, votes: this.#state.votes + 1 });
        return [
          ...effects,
          ...this.#ensureTick(now),
          reply({ pollVote: { pollId: d.poll.id, choice: req.choice } }),
        ];
      },
    },
  });

  readonly tasks = {
    /** `pollTick`: the open poll's totals, if they moved since the last; schedules nothing. */
    [POLL_TICK_TASK]: { scope: "room" as const, run: (_arg: string, nowMs: number) => this.#tick(nowMs) },
    /** `pollEnd:<id>`: closes poll `id` when its timer is up; nothing for a poll already closed. */
    [POLL_END_TASK]: {
      scope: "room" as const,
      run: (arg: string, nowMs: number): Effect[] => {
        const d = decideTimeout(this.#poll, Number(arg), nowMs);
        switch (d.kind) {
          case "closed":
            return this.#close(d.poll);
          case "notYet":
            return [{ kind: "schedule", task: `${POLL_END_TASK}:${arg}`, atMs: d.atMs }];
          default:
            return [];
        }
      },
    },
  };

  /** The welcome's part: the open poll with its totals now, and the choice this user voted in it (-1: none). */
  welcome(userId: string): { poll: liveroom.Poll.$Properties | null; choice: number } {
    const p = this.#poll;
    if (p === null || p.closedAtMs !== null) return { poll: null, choice: -1 };
    return { poll: pollMessage(p), choice: this.#store.voteOf(p.id, userId) ?? -1 };
  }

  stats(): PollStats {
    return { pollsOpened: this.#state.opened, pollVotes: this.#state.votes };
  }

  /**
   * Before a frame: closes a poll whose timer is up and a totals tick that is due. The room's clock
   * decides, even when the runtime runs the alarm only after the frames queued before it.
   */
  #catchUp(now: number): Effect[] {
    const effects: Effect[] = [];
    if (isDue(this.#poll, now)) {
      const d = decideTimeout(this.#poll, this.#poll.id, now);
      if (d.kind === "closed") effects.push(...this.#close(d.poll));
    }
    const at = this.#state.tickAtMs;
    if (at !== null && now >= at) effects.push(...this.#tick(now));
    return effects;
  }

  /** Writes a closed poll; its final totals go out numbered, replacing any totals tick still due. */
  #close(poll: Poll): Effect[] {
    this.#put(poll);
    const effects: Effect[] = [];
    if (this.#state.tickAtMs !== null) effects.push({ kind: "cancel", task: POLL_TICK_TASK });
    if (poll.endsAtMs !== null) effects.push({ kind: "cancel", task: `${POLL_END_TASK}:${poll.id}` });
    const n = votes(poll.totals);
    this.#commit({ ...this.#state, shownVotes: n, tickAtMs: null });
    effects.push(
      broadcast(T.POLL_CLOSED, {
        pollClosed: { pollId: poll.id, totals: poll.totals, votes: n, timedOut: poll.timedOut },
      }),
    );
    return effects;
  }

  /** Schedules the totals tick unless one is coming: the first vote after a quiet spell wakes the room. */
  #ensureTick(now: number): Effect[] {
    const next = planTick(this.#state.tickAtMs, now);
    if (next === null) return [];
    this.#commit({ ...this.#state, tickAtMs: next });
    return [{ kind: "schedule", task: POLL_TICK_TASK, atMs: next }];
  }

  #tick(now: number): Effect[] {
    const at = this.#state.tickAtMs;
    // Closed already by a frame (#catchUp) or by the poll's close.
    if (at === null) return [];
    if (now < at) return [{ kind: "schedule", task: POLL_TICK_TASK, atMs: at }];
    const t = tickTotals(this.#poll, this.#state.shownVotes);
    this.#commit({ ...this.#state, shownVotes: t?.votes ?? this.#state.shownVotes, tickAtMs: null });
    return t === null ? [] : [notify(T.POLL_TOTALS, { pollTotals: t })];
  }

  #put(poll: Poll): void {
    this.#poll = poll;
    this.#store.put(poll);
  }

  #commit(state: PollState): void {
    this.#state = state;
    this.#store.save(state);
  }
}
