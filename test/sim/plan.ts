// The fault simulation's planner (issue 14): a seed and a shard count fix a whole show — its players,
// what each does at each question, the rain, danmaku, gifts, the withdrawal — and every fault and the
// point of the show where it strikes. Pure: no clock, no I/O, so `planShow(seed, shards)` is the same
// plan on every machine and every replay. The driver (show.ts) plays it inside workerd, where the
// interleaving of calls between objects is not deterministic; the schedule of faults is.
import { randomInt, type Rng, seededRng } from "../../durable-objects/features/rain/prng";

/** The option every question's answer is right at (options: a, b, c). */
export const CORRECT = 1;
export const OPTIONS = 3;
/** Room time of a question's answer window; late answers come after it and its grace. */
export const WINDOW_MS = 30_000;
export const GRAB_CAP = 3;
/** Coins of the one gift of the simulated catalog. */
export const GIFT_PRICE = 10;

/** What one player does at one question. */
export type Move =
  | { kind: "answer"; option: number; double: boolean; early: boolean }
  | { kind: "late"; option: number }
  | { kind: "none" };

export interface PlanPlayer {
  name: string;
  cards: number;
  moves: Move[];
  /** Grab taps, one per rain round. */
  taps: number;
  danmaku: string[];
  /** Coins granted before the show; gifts of GIFT_PRICE each, by idempotency key (a key twice: a retry). */
  coins: number;
  gifts: { key: string; quantity: number }[];
}

/** Where in the show a fault strikes. */
export type Point =
  | "lobby"
  | "rain-mid"
  | "rain-end"
  | `q${number}-push`
  | `q${number}-mid`
  | `q${number}-late`
  | `q${number}-reveal`
  | "end";

export type Fault =
  /** evictDurableObject on shard k (0: the coordinator), sockets kept (hibernation). */
  | { kind: "evict"; shard: number }
  /** The shard's next `shardDeliver` fails (k ≥ 1). */
  | { kind: "fail-deliver"; shard: number }
  /** The shard's next `shardOp` named `op` fails (k ≥ 1): a reveal or end may be refused SHARD_UNAVAILABLE. */
  | { kind: "fail-op"; shard: number; op: string }
  /** The point's step is committed, its fan-out never sent, and the coordinator evicted (steps only). */
  | { kind: "commit-then-evict" }
  /** The coordinator's alarm run twice in a row. */
  | { kind: "alarm-twice" }
  /** A player's socket closes; they rejoin and RESUME at the next point. */
  | { kind: "drop"; player: number }
  /** Every object evicted with its sockets closed; everyone rejoins and RESUMEs. */
  | { kind: "deploy" };

export type FaultKind = Fault["kind"] | QueueFaultKind;
export type QueueFaultKind = "queue-duplicate" | "queue-delayed" | "queue-throw" | "d1-batch-fail";

/** Deliveries of the room's outbox beside the real Queue, by the consumer, with faults. */
export interface QueuePlan {
  /** Per mille of outbox messages delivered again (on top of the real Queue's delivery). */
  extraPerMille: number;
  /** Per mille of those sent twice within the replay. */
  duplicatePerMille: number;
  batchSize: number;
  /** Per mille of replay batches whose D1 batch fails (alternately before and after committing). */
  d1FailPerMille: number;
  /** Replay batches whose consumer throws (the whole batch redelivered): how many. */
  throws: number;
  /** Messages held back and delivered after everything settled (a late delivery). */
  delayed: number;
  /** A permutation seed: the replay's order. */
  shuffle: number;
}

export interface SimPlan {
  seed: number;
  shards: number;
  questions: number;
  poolCents: number;
  rain: { totalCents: number; count: number };
  players: PlanPlayer[];
  /** Faults by point, in the order they strike there. */
  faults: Partial<Record<Point, Fault[]>>;
  queue: QueuePlan;
  /** The player (index) who withdraws after settling, and the share of their balance (per mille). */
  withdrawal: { player: number; perMille: number; twice: boolean };
}

const pct = (rng: Rng, p: number) => randomInt(rng, 100) < p;

/** Every point of a show of `questions` questions, in order. */
export function points(questions: number): Point[] {
  const qs = Array.from({ length: questions }, (_, q) =>
    (["push", "mid", "late", "reveal"] as const).map((s): Point => `q${q}-${s}`),
  );
  return ["lobby", "rain-mid", "rain-end", ...qs.flat(), "end"];
}

/** Points whose step (push, reveal, end, open) a commit-then-evict can cut after its commit. */
export function isStep(at: Point): boolean {
  return at === "lobby" || at === "end" || at.endsWith("-push") || at.endsWith("-reveal");
}

/** The shard operation a fail-op at `at` aims at (the gathers of that part of the show). */
function opAt(rng: Rng, at: Point): string {
  if (at.startsWith("rain")) return randomInt(rng, 2) === 0 ? "rain.totals" : "rain.reclaim";
  if (at === "end") return randomInt(rng, 2) === 0 ? "quiz.survivors" : "quiz.award";
  return "quiz.close";
}

function drawFault(rng: Rng, shards: number, players: number, at: Point): Fault {
  const other = () => 1 + randomInt(rng, Math.max(1, shards - 1));
  const r = randomInt(rng, 100);
  if (r < 30) return { kind: "evict", shard: randomInt(rng, shards) };
  if (r < 42 && shards > 1) return { kind: "fail-deliver", shard: other() };
  if (r < 52 && shards > 1) return { kind: "fail-op", shard: other(), op: opAt(rng, at) };
  if (r < 58 && isStep(at)) return { kind: "commit-then-evict" };
  if (r < 70) return { kind: "alarm-twice" };
  if (r < 94) return { kind: "drop", player: randomInt(rng, players) };
  return { kind: "deploy" };
}

/**
 * The show of `seed` on a room of `shards` shards: 12–30 players, 2–3 questions, a rain, and 4–10
 * faults at random points (each point at most 3).
 */
export function planShow(seed: number, shards: number): SimPlan {
  const rng = seededRng(`liveroom-sim-${seed}`);
  const questions = 2 + randomInt(rng, 2);
  const nPlayers = 12 + randomInt(rng, 19);
  const players: PlanPlayer[] = Array.from({ length: nPlayers }, (_, i) => {
    const coins = pct(rng, 25) ? GIFT_PRICE * (1 + randomInt(rng, 5)) : 0;
    const gifts: PlanPlayer["gifts"] = [];
    if (coins > 0) {
      for (let g = randomInt(rng, 3); g > 0; g--) {
        gifts.push({ key: `k${g}`, quantity: 1 + randomInt(rng, 3) });
        if (pct(rng, 30)) gifts.push(gifts.at(-1)!);
      }
    }
    return {
      name: `p${String(i).padStart(2, "0")}`,
      cards: pct(rng, 25) ? 1 + randomInt(rng, 2) : 0,
      moves: Array.from({ length: questions }, (): Move => {
        const r = randomInt(rng, 100);
        if (r < 6) return { kind: "none" };
        if (r < 14) return { kind: "late", option: randomInt(rng, OPTIONS) };
        const option = pct(rng, 80) ? CORRECT : randomInt(rng, OPTIONS);
        return { kind: "answer", option, double: pct(rng, 12), early: pct(rng, 50) };
      }),
      taps: randomInt(rng, 6),
      danmaku: pct(rng, 30) ? Array.from({ length: 1 + randomInt(rng, 2) }, (_, d) => `hi ${i}.${d}`) : [],
      coins,
      gifts,
    };
  });
  const count = 10 + randomInt(rng, 41);
  const rain = { count, totalCents: count + randomInt(rng, count * 100) };
  const all = points(questions);
  const faults: SimPlan["faults"] = {};
  for (let n = 4 + randomInt(rng, 7); n > 0; n--) {
    const at = all[randomInt(rng, all.length)]!;
    const list = faults[at] ?? [];
    if (list.length >= 3) continue;
    list.push(drawFault(rng, shards, nPlayers, at));
    faults[at] = list;
  }
  const queue: QueuePlan = {
    extraPerMille: 200 + randomInt(rng, 801),
    duplicatePerMille: randomInt(rng, 400),
    batchSize: 1 + randomInt(rng, 10),
    d1FailPerMille: randomInt(rng, 500),
    throws: randomInt(rng, 3),
    delayed: randomInt(rng, 4),
    shuffle: randomInt(rng, 2 ** 31),
  };
  return {
    seed,
    shards,
    questions,
    poolCents: 1 + randomInt(rng, 100_000),
    rain,
    players,
    faults,
    queue,
    withdrawal: { player: randomInt(rng, nPlayers), perMille: 1 + randomInt(rng, 1000), twice: pct(rng, 50) },
  };
}

/** How many faults of each kind the plan schedules (the queue's: the kinds it will inject). */
export function plannedFaults(plan: SimPlan): Map<FaultKind, number> {
  const n = new Map<FaultKind, number>();
  const add = (k: FaultKind, by = 1) => by > 0 && n.set(k, (n.get(k) ?? 0) + by);
  for (const list of Object.values(plan.faults)) for (const f of list ?? []) add(f.kind);
  return n;
}

/** A permutation of 0..n-1 from `seed` (Fisher–Yates), for the replayed batches' order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = seededRng(`shuffle-${seed}`);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The one-line command that replays a seed. */
export function replayCommand(seed: number, shards: number): string {
  return `npm run sim -- --from ${seed} --seeds 1 --shards ${shards}`;
}
