// What the room shows of itself: the welcome a socket gets after AUTH and the operator's stats.
// Pure builders: LiveRoom gathers the figures from its stores and modules and passes them in.
import { liveroom } from "../schema/proto";
import type { Role } from "../schema/auth";
import type { RoomStatsView } from "../schema/room-stats";
import { answerRevealed, gameOver, PHASE, PLAYER_STATUS, questionPushed } from "./protocol/encode";
import type { PlayerState, RoomState } from "./quiz/state";
import type { RainStats } from "./rain-room";
import type { SocialRoom } from "./social-room";

type SocialStats = ReturnType<SocialRoom["stats"]>;

/** Everything one user's welcome is built from. */
export interface WelcomeParts {
  userId: string;
  role: Role;
  /** The room with its activity loaded. */
  room: RoomState;
  roomSeq: number;
  nowMs: number;
  online: number;
  /** The player as `visiblePlayer` shows them. */
  player: PlayerState;
  /** Their sealed answer to the current question, if they answered it. */
  sealed: Uint8Array | undefined;
  prizeCents: number;
  grabbed: number;
  /** The running rain, or null between rains. */
  rain: liveroom.RainStarted.$Properties | null;
  likes: number;
}

/**
 * The AUTH answer: who the socket is, and a snapshot of the room and of the player.
 * @example welcomeView({ userId: "al", role: "viewer", room, roomSeq: 7, ... }).room.phase // → liveroom.Phase value
 */
export function welcomeView(p: WelcomeParts): liveroom.Welcome.$Properties {
  const { room, player } = p;
  const activity = room.activity!;
  const current = room.current;
  return {
    userId: p.userId,
    role:
      p.role === "admin"
        ? liveroom.Role.ADMIN
        : p.role === "host"
          ? liveroom.Role.HOST
          : liveroom.Role.VIEWER,
    roomSeq: p.roomSeq,
    serverTimeMs: p.nowMs,
    room: {
      activityId: activity.id,
      title: activity.title,
      phase: PHASE[room.phase],
      questionCount: activity.questions.length,
      current: current === null ? null : questionPushed(activity, current),
      lastReveal: room.reveal === null ? null : answerRevealed(room.reveal),
      prizePoolCents: activity.prizePoolCents,
      streamUrl: activity.streamUrl,
      online: p.online,
      gameOver: room.gameOver === null ? null : gameOver(room.gameOver),
      rain: p.rain,
      likes: p.likes,
    },
    player: {
      status: PLAYER_STATUS[player.status],
      revivalCards: player.revivalCards,
      revivalUsed: player.revivalUsed,
      passed: player.passed,
      sealed: p.sealed ?? new Uint8Array(),
      prizeCents: p.prizeCents,
      grabbed: p.grabbed,
    },
  };
}

/** Everything the operator's stats are built from. */
export interface StatsParts {
  room: RoomState;
  roomSeq: number;
  online: number;
  players: { players: number; alive: number };
  /** Answers per option of a question (RoomStore.counts). */
  counts(question: number, options: number): number[];
  rain: RainStats;
  social: SocialStats;
}

/**
 * The operator's live figures (RPC `control` and the host's frames).
 * @example statsView({ room, roomSeq: 3, online: 2, ... }).currentQuestion // → -1 before the first question
 */
export function statsView(p: StatsParts): RoomStatsView {
  const current = p.room.current;
  const options = current === null ? 0 : p.room.activity!.questions[current.index]!.options.length;
  return {
    phase: p.room.phase,
    online: p.online,
    ...p.players,
    currentQuestion: current?.index ?? -1,
    counts: current === null ? [] : p.counts(current.index, options),
    roomSeq: p.roomSeq,
    ...p.rain,
    ...p.social,
  };
}

/**
 * The stats as the host's frames carry them (RoomStats in schema/live.proto).
 * @example statsMessage(view).phase // → liveroom.Phase value
 */
export function statsMessage(s: RoomStatsView): liveroom.RoomStats.$Properties {
  return {
    phase: PHASE[s.phase],
    online: s.online,
    players: s.players,
    alive: s.alive,
    currentQuestion: s.currentQuestion,
    counts: s.counts,
    roomSeq: s.roomSeq,
    packetsLeft: s.packetsLeft,
    grantedCents: s.grantedCents,
    grabs: s.grabs,
    throttled: s.throttled,
    rain: s.rain,
    rainRunning: s.rainRunning,
    grantedPackets: s.grantedPackets,
    grabsPerSec: s.grabsPerSec,
    throttlePpm: s.throttlePpm,
    danmakuIn: s.danmakuIn,
    danmakuShown: s.danmakuShown,
    danmakuDropped: s.danmakuDropped,
    danmakuBlocked: s.danmakuBlocked,
    danmakuRefused: s.danmakuRefused,
    danmakuDeleted: s.danmakuDeleted,
    likes: s.likes,
    gifts: s.gifts,
    giftCoins: s.giftCoins,
  };
}
