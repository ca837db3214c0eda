// The room's features, in one place: their migrations, their frame table (complete, or it fails to
// compile), and the welcome snapshot and stats composed from their parts. Adding a feature adds
// a line in each list here (docs/architecture.md).
import type { ActivityConfig } from "../../schema/activity";
import type { Role } from "../../schema/auth";
import { liveroom } from "../../schema/proto";
import type { RoomStatsView, ShardStatsView } from "../../schema/room-stats";
import { reconnectWindowMs } from "../kernel/reconnect";
import type { CoordinatorWelcome } from "../kernel/shard-protocol";
import type { Feature, FrameTable } from "../kernel/feature";
import type { MigrationList } from "../kernel/migrations";
import { kernelMigrations } from "../kernel/room-migrations";
import type { RoomServices } from "../kernel/services";
import { answerRevealed, gameOver, PHASE, PLAYER_STATUS, questionPushed } from "../protocol/encode";
import { DanmakuFeature } from "./danmaku/feature";
import { danmakuMigrations } from "./danmaku/migrations";
import type { ShardCounters } from "./danmaku/tick";
import { GiftsFeature } from "./gifts/feature";
import { HealthFeature, type ShardHealthPart } from "./health/feature";
import { healthMigrations } from "./health/migrations";
import { giftMigrations } from "./gifts/migrations";
import { PollFeature } from "./poll/feature";
import { pollMigrations } from "./poll/migrations";
import { QuizFeature, type QuizShardFigures } from "./quiz/feature";
import { quizMigrations } from "./quiz/migrations";
import { RainFeature, type RainShardFigures } from "./rain/feature";
import { rainMigrations } from "./rain/migrations";
import { ReplayFeature } from "./replay/feature";
import { replayMigrations } from "./replay/migrations";
import { SettlementFeature } from "./settlement/feature";
import { settlementMigrations } from "./settlement/migrations";

/** Every field of a protobuf message written: a field forgotten by a mapper fails to compile. */
export type Complete<P> = { [K in Exclude<keyof P, "$unknowns">]-?: Exclude<P[K], undefined> };

/** The room's storage migrations, the kernel's first (features' data moves may rely on its tables). */
export const ROOM_MIGRATIONS: readonly MigrationList[] = [
  { feature: "room", migrations: kernelMigrations },
  { feature: "quiz", migrations: quizMigrations },
  { feature: "rain", migrations: rainMigrations },
  { feature: "danmaku", migrations: danmakuMigrations },
  { feature: "gifts", migrations: giftMigrations },
  { feature: "replay", migrations: replayMigrations },
  { feature: "settlement", migrations: settlementMigrations },
  { feature: "poll", migrations: pollMigrations },
  { feature: "health", migrations: healthMigrations },
];

/** The room's features, built over the kernel's services. */
export function createFeatures(s: RoomServices) {
  const quiz = new QuizFeature(s);
  const rain = new RainFeature(s);
  const replay: ReplayFeature = new ReplayFeature(s, () => danmaku.shown());
  const stream = (nowMs: number) => replay.streamPosition(nowMs);
  const danmaku: DanmakuFeature = new DanmakuFeature(s, stream);
  danmaku.onDeleted = (nowMs) => replay.rearchive(nowMs);
  const gifts = new GiftsFeature(s, stream);
  const settlement = new SettlementFeature(s);
  const poll = new PollFeature(s);
  const health = new HealthFeature(s, quiz, settlement);
  const frames = {
    ...quiz.frames,
    ...rain.frames,
    ...danmaku.frames,
    ...gifts.frames,
    ...poll.frames,
  } satisfies FrameTable;
  const all: readonly Feature[] = [quiz, rain, danmaku, gifts, replay, settlement, poll, health];
  return { quiz, rain, replay, danmaku, gifts, settlement, poll, health, frames, all };
}

export type Features = ReturnType<typeof createFeatures>;

/** What the kernel adds to the features' parts of a snapshot or the stats. */
export interface RoomFacts {
  activity: ActivityConfig;
  roomSeq: number;
  online: number;
  nowMs: number;
  /** This object's shard (0: the coordinator's object). */
  shard: number;
}

/** One shard's row of the stats: the kernel's figures, the quiz's and the danmaku's. */
export interface ShardRow {
  figures: ShardStatsView;
  quiz: QuizShardFigures;
  rain: RainShardFigures;
  danmaku: ShardCounters;
  /** Only when the health asked for it (`kernel.figures` with a HealthAsk). */
  health?: ShardHealthPart;
}

/**
 * The coordinator's parts of a welcome (DESIGN §8): the room-wide figures and the features it decides
 * for (the poll, likes). A shard asks its coordinator for them; shard 0 computes them here.
 */
export function coordinatorWelcome(f: Features, userId: string, online: number): CoordinatorWelcome {
  return {
    online,
    likes: f.danmaku.likesTotal(),
    poll: f.poll.welcome(userId),
  };
}

/** A socket's welcome after AUTH: who it is, the room and the player, from every feature's part. */
export async function welcomeOf(
  f: Features,
  userId: string,
  role: Role,
  facts: RoomFacts,
  coordinator: CoordinatorWelcome,
): Promise<liveroom.Welcome.$Properties> {
  const a = facts.activity;
  const room = f.quiz.room(a);
  const q = await f.quiz.welcome(userId);
  // The rain is decided on the player's shard: its copy of the room's run, and its own grants.
  const rain = f.rain.welcome(userId, facts.nowMs);
  const { poll } = coordinator;
  const snapshot = {
    activityId: a.id,
    title: a.title,
    phase: PHASE[room.phase],
    questionCount: a.questions.length,
    current: room.current === null ? null : questionPushed(a, room.current),
    lastReveal: room.reveal === null ? null : answerRevealed(room.reveal),
    prizePoolCents: a.prizePoolCents,
    streamUrl: a.streamUrl,
    online: coordinator.online,
    gameOver: room.gameOver === null ? null : gameOver(room.gameOver),
    rain: rain.rain,
    likes: coordinator.likes,
    poll: poll.poll,
    // Decided on the player's shard: its copy of the room's moderation.
    slowModeSeconds: f.danmaku.slowModeSeconds(),
  } satisfies Complete<liveroom.IRoomSnapshot>;
  const player = {
    status: PLAYER_STATUS[q.player.status],
    revivalCards: q.player.revivalCards,
    revivalUsed: q.player.revivalUsed,
    passed: q.player.passed,
    sealed: q.sealed ?? new Uint8Array(),
    prizeCents: q.prizeCents,
    grabbed: rain.grabbed,
    pollChoice: poll.choice,
  } satisfies Complete<liveroom.IPlayerSnapshot>;
  return {
    userId,
    role:
      role === "admin" ? liveroom.Role.ADMIN : role === "host" ? liveroom.Role.HOST : liveroom.Role.VIEWER,
    roomSeq: facts.roomSeq,
    serverTimeMs: facts.nowMs,
    room: snapshot,
    player,
    reconnectWindowMs: reconnectWindowMs(coordinator.online, a.shards),
    shard: facts.shard,
  } satisfies Complete<liveroom.IWelcome>;
}

/** The operator's live figures, from every feature's part and every shard's row. */
export function statsOf(f: Features, facts: RoomFacts, rows: readonly ShardRow[]): RoomStatsView {
  return {
    phase: f.quiz.room(null).phase,
    online: facts.online,
    roomSeq: facts.roomSeq,
    ...f.quiz.stats(rows.map((r) => r.quiz)),
    ...f.rain.stats(
      facts.nowMs,
      rows.map((r) => r.rain),
    ),
    ...f.danmaku.stats(rows.map((r) => r.danmaku)),
    ...f.gifts.stats(),
    ...f.poll.stats(),
    shards: rows.map((r) => r.figures),
  } satisfies RoomStatsView;
}

/** The stats as the host's frames carry them (RoomStats in schema/live.proto). */
export function statsMessage(s: RoomStatsView): Complete<liveroom.IRoomStats> {
  return { ...s, phase: PHASE[s.phase], shards: s.shards satisfies Complete<liveroom.IShardStats>[] };
}
