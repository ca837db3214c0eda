// The wire boundary: protobuf frames in, plain typed values out (and requests the other way).
// Everything past this file works with these types, never with the generated classes.
import { liveroom } from "../schema/proto";

/** The heartbeat: the bytes of `Frame { type: -1 }` sent as a *text* frame (see schema/live.proto). */
export const HEARTBEAT = "\x08\x01";

export type Role = liveroom.Role;
export type Phase = liveroom.Phase;
export type PlayerStatus = liveroom.PlayerStatus;
export type Outcome = liveroom.Outcome;

/** A question as pushed by the operator; `streamTsMs` is the stream position the host saw. */
export interface QuestionInfo {
  question: number;
  text: string;
  options: string[];
  /**
   * Room clock: answers after this (plus the room's grace) are late, whatever the answer reports.
   * Compare with `serverNow()`. It is push + `windowMs` + `delayBudgetMs`; an answer's own window
   * counts from when its viewer showed the question (`heldDeadline`, docs/protocol.md "Fair answer windows").
   */
  deadlineMs: number;
  windowMs: number;
  /** The stream position the host saw, a stamp (stream-time.ts); 0: unstamped, show on arrival. */
  streamTsMs: number;
  questionCount: number;
  /** The activity's stream-delay budget, ms: how long a viewer may hold the question (0: none). */
  delayBudgetMs: number;
  /** SHA-256 commitment to the correct option (32 bytes), opened by the reveal; empty when the room sent none. */
  commitment: Uint8Array;
}

/** The reveal packet, identical for everyone. `key` unseals every answer to this question. */
export interface RevealInfo {
  question: number;
  correct: number;
  key: Uint8Array;
  counts: number[];
  streamTsMs: number;
  /** 16 bytes that, with `key`, open the question's `commitment` (`verifyReveal`); empty when none. */
  salt: Uint8Array;
}

export interface GameOverInfo {
  prizePoolCents: number;
  winners: number;
  baseShareCents: number;
  /** The first `remainder` winners in ascending user-id order get base + 1 cent. */
  remainder: number;
}

/** A red-packet rain as started (or, in a snapshot, as it stands now). */
export interface RainInfo {
  rain: number;
  packets: number;
  packetsLeft: number;
  endsAtMs: number;
  /** Fraction of taps to send, in parts per million. */
  throttlePpm: number;
  /** Packets per player per activity. */
  cap: number;
  streamTsMs: number;
}

/** A live poll: opened by a host, 2–4 choices, one vote per viewer (docs/live-room.md). */
export interface PollInfo {
  id: number;
  question: string;
  choices: string[];
  /** Votes per choice, in choice order. */
  totals: number[];
  /** Room clock. */
  openedAtMs: number;
  /** Room clock: when its timer closes it; 0 when it runs until the host closes it. */
  endsAtMs: number;
  open: boolean;
}

export interface RoomSnapshot {
  activityId: string;
  title: string;
  phase: Phase;
  questionCount: number;
  current: QuestionInfo | undefined;
  lastReveal: RevealInfo | undefined;
  prizePoolCents: number;
  streamUrl: string;
  online: number;
  gameOver: GameOverInfo | undefined;
  /** The running rain, with the packets left and the throttle now. */
  rain: RainInfo | undefined;
  /** The room's likes total; LIKES notifications carry it on. */
  likes: number;
  /** The open poll with its totals now; POLL_TOTALS and POLL_CLOSED carry it on. */
  poll: PollInfo | undefined;
  /** Slow mode now: one danmaku per this many seconds per player (0: off); SLOW_MODE_CHANGED carries it on. */
  slowModeSeconds: number;
}

export interface PlayerSnapshot {
  status: PlayerStatus;
  revivalCards: number;
  revivalUsed: boolean;
  /** Index of the last question passed; -1 before the first. */
  passed: number;
  /** The sealed result of the current question, if this player answered it. */
  sealed: Uint8Array | undefined;
  prizeCents: number;
  grabbed: number;
  /** The choice this player voted in the open poll; -1 when none (or no poll is open). */
  pollChoice: number;
}

/** The AUTH answer: who you are, where the room stands now (`roomSeq`) and its snapshot. */
export interface Welcome {
  userId: string;
  role: Role;
  roomSeq: number;
  serverTimeMs: number;
  room: RoomSnapshot;
  player: PlayerSnapshot;
  /** After a deploy closed the socket, spread the reconnect over this window (ms, uniform jitter). */
  reconnectWindowMs: number;
  /** The shard of the room this socket reached. */
  shard: number;
}

/**
 * The RESUME answer: notifications `fromSeq..toSeq` follow on the socket. `gap`: what was missed is
 * gone (pruned, or over 1,000 behind), take the snapshot; `more`: at most 200 per answer, RESUME
 * again after `toSeq` for the rest.
 */
export interface Resumed {
  fromSeq: number;
  toSeq: number;
  gap: boolean;
  more: boolean;
}

export interface AnswerAck {
  question: number;
  sealed: Uint8Array;
}

export interface GrabResult {
  rain: number;
  amountCents: number;
  grabbed: number;
}

/**
 * The room's figures as the STATS frame carries them: every field of `RoomStats` in schema/live.proto,
 * defaults filled in (the server's `RoomStatsView` with the phase as the wire enum).
 */
export type RoomStats = Omit<liveroom.RoomStats, "$unknowns" | "shards"> & { shards: ShardStats[] };

/** One shard's figures in a STATS frame (`ShardStats` in schema/live.proto), defaults filled in. */
export interface ShardStats {
  shard: number;
  /** Distinct authenticated users on this shard. */
  online: number;
  players: number;
  /** Answers accepted to the current question. */
  answers: number;
  answersPerSec: number;
  /** The last numbered notification: from its arrival at the shard to its send to the last socket. */
  fanoutMs: number;
  /** Settlement events not yet accepted by the Queue. */
  outboxBacklog: number;
  /** The last numbered notification this shard applied. */
  roomSeq: number;
}

/** One danmaku as shown: `streamTsMs` is where the sender's player was. */
export interface DanmakuItem {
  id: number;
  userId: string;
  text: string;
  streamTsMs: number;
}

export interface GiftShownInfo {
  userId: string;
  giftId: string;
  giftName: string;
  quantity: number;
  coins: number;
  streamTsMs: number;
  /** What this sender has given in this room so far. */
  senderTotalCoins: number;
}

/** Every room notification, decoded. `roomSeq` 0 means personal and unnumbered (PRIZE). */
export type RoomNotification =
  | { kind: "roomOpened"; roomSeq: number; title: string; questionCount: number }
  | ({ kind: "question"; roomSeq: number } & QuestionInfo)
  | ({ kind: "reveal"; roomSeq: number } & RevealInfo)
  | ({ kind: "gameOver"; roomSeq: number } & GameOverInfo)
  | { kind: "prize"; roomSeq: number; cents: number }
  | ({ kind: "rainStarted"; roomSeq: number } & RainInfo)
  | { kind: "rainEnded"; roomSeq: number; rain: number; packetsLeft: number; grantedCents: number }
  | { kind: "throttle"; roomSeq: number; rain: number; throttlePpm: number; packetsLeft: number }
  /** Unnumbered (roomSeq 0): one frame per tick with the danmaku sampled for it. */
  | {
      kind: "danmakuTick";
      roomSeq: number;
      tick: number;
      streamTsMs: number;
      items: DanmakuItem[];
      dropped: number;
    }
  /** Unnumbered: the room's likes total, once per tick when it moved. */
  | { kind: "likes"; roomSeq: number; total: number; added: number }
  /** The room's online count (every shard's users), at most once a second and only when it changed; unnumbered. */
  | { kind: "onlineCount"; roomSeq: number; online: number }
  | ({ kind: "giftShown"; roomSeq: number } & GiftShownInfo)
  /** Unnumbered: a host deleted a shown danmaku; remove it from the screen. */
  | { kind: "danmakuDeleted"; roomSeq: number; id: number }
  /** A host opened a poll (numbered). */
  | ({ kind: "pollOpened"; roomSeq: number } & PollInfo)
  /** Unnumbered: the open poll's totals, at most once per tick when a vote moved them. */
  | { kind: "pollTotals"; roomSeq: number; pollId: number; totals: number[]; votes: number }
  /** The poll closed (numbered), by the host or by its timer (`timedOut`), with its final totals. */
  | {
      kind: "pollClosed";
      roomSeq: number;
      pollId: number;
      totals: number[];
      votes: number;
      timedOut: boolean;
    }
  /** A host set slow mode (numbered): one danmaku per `seconds` per player, 0 when lifted. */
  | { kind: "slowMode"; roomSeq: number; seconds: number }
  /** A notification this SDK version does not know; still counted so that sequencing holds. */
  | { kind: "unknown"; roomSeq: number; type: number };

export type ResponseResult =
  | { kind: "welcome"; welcome: Welcome }
  | ({ kind: "resumed" } & Resumed)
  | ({ kind: "answer" } & AnswerAck)
  | ({ kind: "grab" } & GrabResult)
  | { kind: "stats"; stats: RoomStats }
  | { kind: "danmaku"; id: number; text: string; streamTsMs: number }
  | { kind: "gift"; giftId: string; quantity: number; coins: number; balanceCoins: number; replayed: boolean }
  | { kind: "gifters"; gifters: { rank: number; userId: string; coins: number }[] }
  | { kind: "poll"; poll: PollInfo }
  | { kind: "pollVote"; pollId: number; choice: number }
  /** The REFRESH answer: the socket now lives until `expMs` (the new token's expiry). */
  | { kind: "refreshed"; expMs: number }
  /** The room's moderation after a host's SLOW_MODE, SHADOW_MUTE, SET_WORDS or MODERATION. */
  | { kind: "moderation"; moderation: ModerationInfo };

/** The room's moderation, as a host reads it. */
export interface ModerationInfo {
  slowModeSeconds: number;
  /** In force now; `untilMs` 0 (room clock) when `forShow`. */
  mutes: { userId: string; untilMs: number; forShow: boolean }[];
  shadowMuted: string[];
  /** The room's own blocked words (the platform's list applies too). */
  words: string[];
}

export interface DecodedResponse {
  ok: boolean;
  code: number;
  message: string;
  result: ResponseResult | undefined;
}

/** One inbound binary frame after decoding. */
export type Inbound =
  | { kind: "response"; type: number; seq: number; response: DecodedResponse }
  | { kind: "notification"; type: number; notification: RoomNotification }
  | { kind: "invalid"; reason: string };

// uint64 fields arrive as numbers (--force-number), except that an absent field reads the
// generated prototype default, which is a Long object whenever the `long` package is installed.
function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "object" && v !== null && "low" in v && "high" in v) {
    const { low, high } = v as { low: number; high: number };
    return (high >>> 0) * 0x1_0000_0000 + (low >>> 0);
  }
  return 0;
}

function bytes(v: Uint8Array | null | undefined): Uint8Array {
  // A copy as a plain Uint8Array: Node hands out Buffers that alias a shared pool.
  return v ? new Uint8Array(v) : new Uint8Array(0);
}

function question(q: liveroom.QuestionPushed.$Properties): QuestionInfo {
  return {
    question: q.question ?? 0,
    text: q.text ?? "",
    options: [...(q.options ?? [])],
    deadlineMs: num(q.deadlineMs),
    windowMs: q.windowMs ?? 0,
    streamTsMs: q.streamTsMs ?? 0,
    questionCount: q.questionCount ?? 0,
    commitment: bytes(q.commitment),
    delayBudgetMs: q.delayBudgetMs ?? 0,
  };
}

function reveal(r: liveroom.AnswerRevealed.$Properties): RevealInfo {
  return {
    question: r.question ?? 0,
    correct: r.correct ?? 0,
    key: bytes(r.key),
    counts: [...(r.counts ?? [])],
    streamTsMs: r.streamTsMs ?? 0,
    salt: bytes(r.salt),
  };
}

function rain(s: liveroom.RainStarted.$Properties): RainInfo {
  return {
    rain: s.rain ?? 0,
    packets: s.packets ?? 0,
    packetsLeft: s.packetsLeft ?? 0,
    endsAtMs: num(s.endsAtMs),
    throttlePpm: s.throttlePpm ?? 0,
    cap: s.cap ?? 0,
    streamTsMs: s.streamTsMs ?? 0,
  };
}

function gameOver(g: liveroom.GameOver.$Properties): GameOverInfo {
  return {
    prizePoolCents: num(g.prizePoolCents),
    winners: g.winners ?? 0,
    baseShareCents: num(g.baseShareCents),
    remainder: g.remainder ?? 0,
  };
}

function poll(p: liveroom.Poll.$Properties): PollInfo {
  return {
    id: p.id ?? 0,
    question: p.question ?? "",
    choices: [...(p.choices ?? [])],
    totals: [...(p.totals ?? [])],
    openedAtMs: num(p.openedAtMs),
    endsAtMs: num(p.endsAtMs),
    open: p.open ?? false,
  };
}

function welcome(w: liveroom.Welcome.$Properties): Welcome {
  const r = w.room ?? {};
  const p = w.player ?? {};
  const sealed = bytes(p.sealed);
  return {
    userId: w.userId ?? "",
    role: w.role ?? liveroom.Role.VIEWER,
    roomSeq: w.roomSeq ?? 0,
    serverTimeMs: num(w.serverTimeMs),
    reconnectWindowMs: w.reconnectWindowMs ?? 0,
    shard: w.shard ?? 0,
    room: {
      activityId: r.activityId ?? "",
      title: r.title ?? "",
      phase: r.phase ?? liveroom.Phase.CREATED,
      questionCount: r.questionCount ?? 0,
      current: r.current ? question(r.current) : undefined,
      lastReveal: r.lastReveal ? reveal(r.lastReveal) : undefined,
      prizePoolCents: num(r.prizePoolCents),
      streamUrl: r.streamUrl ?? "",
      online: r.online ?? 0,
      gameOver: r.gameOver ? gameOver(r.gameOver) : undefined,
      rain: r.rain ? rain(r.rain) : undefined,
      likes: num(r.likes),
      poll: r.poll ? poll(r.poll) : undefined,
      slowModeSeconds: r.slowModeSeconds ?? 0,
    },
    player: {
      status: p.status ?? liveroom.PlayerStatus.SPECTATOR,
      revivalCards: p.revivalCards ?? 0,
      revivalUsed: p.revivalUsed ?? false,
      passed: p.passed ?? -1,
      sealed: sealed.length > 0 ? sealed : undefined,
      prizeCents: num(p.prizeCents),
      grabbed: p.grabbed ?? 0,
      pollChoice: p.pollChoice ?? -1,
    },
  };
}

function stats(s: liveroom.RoomStats.$Properties): RoomStats {
  return {
    phase: s.phase ?? liveroom.Phase.CREATED,
    online: s.online ?? 0,
    players: s.players ?? 0,
    alive: s.alive ?? 0,
    currentQuestion: s.currentQuestion ?? -1,
    counts: [...(s.counts ?? [])],
    roomSeq: s.roomSeq ?? 0,
    packetsLeft: s.packetsLeft ?? 0,
    grantedCents: num(s.grantedCents),
    grabs: s.grabs ?? 0,
    throttled: s.throttled ?? 0,
    rain: s.rain ?? -1,
    rainRunning: s.rainRunning ?? false,
    grantedPackets: s.grantedPackets ?? 0,
    grabsPerSec: s.grabsPerSec ?? 0,
    throttlePpm: s.throttlePpm ?? 0,
    danmakuIn: s.danmakuIn ?? 0,
    danmakuShown: s.danmakuShown ?? 0,
    danmakuDropped: s.danmakuDropped ?? 0,
    danmakuBlocked: s.danmakuBlocked ?? 0,
    danmakuRefused: s.danmakuRefused ?? 0,
    danmakuDeleted: s.danmakuDeleted ?? 0,
    likes: num(s.likes),
    gifts: s.gifts ?? 0,
    giftCoins: num(s.giftCoins),
    pollsOpened: s.pollsOpened ?? 0,
    pollVotes: s.pollVotes ?? 0,
    shards: (s.shards ?? []).map((r) => ({
      shard: r.shard ?? 0,
      online: r.online ?? 0,
      players: r.players ?? 0,
      answers: r.answers ?? 0,
      answersPerSec: r.answersPerSec ?? 0,
      fanoutMs: r.fanoutMs ?? 0,
      outboxBacklog: r.outboxBacklog ?? 0,
      roomSeq: r.roomSeq ?? 0,
    })),
  };
}

function result(r: liveroom.Response): ResponseResult | undefined {
  switch (r.result) {
    case "welcome":
      return { kind: "welcome", welcome: welcome(r.welcome!) };
    case "resumed": {
      const x = r.resumed!;
      return {
        kind: "resumed",
        fromSeq: x.fromSeq ?? 0,
        toSeq: x.toSeq ?? 0,
        gap: x.gap ?? false,
        more: x.more ?? false,
      };
    }
    case "answer":
      return { kind: "answer", question: r.answer!.question ?? 0, sealed: bytes(r.answer!.sealed) };
    case "grab": {
      const g = r.grab!;
      return { kind: "grab", rain: g.rain ?? 0, amountCents: num(g.amountCents), grabbed: g.grabbed ?? 0 };
    }
    case "stats":
      return { kind: "stats", stats: stats(r.stats!) };
    case "danmaku": {
      const d = r.danmaku!;
      return { kind: "danmaku", id: d.id ?? 0, text: d.text ?? "", streamTsMs: d.streamTsMs ?? 0 };
    }
    case "gift": {
      const g = r.gift!;
      return {
        kind: "gift",
        giftId: g.giftId ?? "",
        quantity: g.quantity ?? 0,
        coins: num(g.coins),
        balanceCoins: num(g.balanceCoins),
        replayed: g.replayed ?? false,
      };
    }
    case "gifters":
      return {
        kind: "gifters",
        gifters: (r.gifters!.gifters ?? []).map((g) => ({
          rank: g.rank ?? 0,
          userId: g.userId ?? "",
          coins: num(g.coins),
        })),
      };
    case "poll":
      return { kind: "poll", poll: poll(r.poll!) };
    case "pollVote":
      return { kind: "pollVote", pollId: r.pollVote!.pollId ?? 0, choice: r.pollVote!.choice ?? 0 };
    case "refreshed":
      return { kind: "refreshed", expMs: num(r.refreshed!.expMs) };
    case "moderation": {
      const m = r.moderation!;
      return {
        kind: "moderation",
        moderation: {
          slowModeSeconds: m.slowModeSeconds ?? 0,
          mutes: (m.mutes ?? []).map((x) => ({
            userId: x.userId ?? "",
            untilMs: num(x.untilMs),
            forShow: x.forShow ?? false,
          })),
          shadowMuted: [...(m.shadowMuted ?? [])],
          words: [...(m.words ?? [])],
        },
      };
    }
    case undefined:
      return undefined;
  }
}

function notification(type: number, n: liveroom.Notification): RoomNotification {
  const roomSeq = n.roomSeq ?? 0;
  switch (n.event) {
    case "roomOpened":
      return {
        kind: "roomOpened",
        roomSeq,
        title: n.roomOpened!.title ?? "",
        questionCount: n.roomOpened!.questionCount ?? 0,
      };
    case "question":
      return { kind: "question", roomSeq, ...question(n.question!) };
    case "reveal":
      return { kind: "reveal", roomSeq, ...reveal(n.reveal!) };
    case "gameOver":
      return { kind: "gameOver", roomSeq, ...gameOver(n.gameOver!) };
    case "prize":
      return { kind: "prize", roomSeq, cents: num(n.prize!.cents) };
    case "rainStarted":
      return { kind: "rainStarted", roomSeq, ...rain(n.rainStarted!) };
    case "rainEnded": {
      const e = n.rainEnded!;
      return {
        kind: "rainEnded",
        roomSeq,
        rain: e.rain ?? 0,
        packetsLeft: e.packetsLeft ?? 0,
        grantedCents: num(e.grantedCents),
      };
    }
    case "throttle": {
      const t = n.throttle!;
      return {
        kind: "throttle",
        roomSeq,
        rain: t.rain ?? 0,
        throttlePpm: t.throttlePpm ?? 0,
        packetsLeft: t.packetsLeft ?? 0,
      };
    }
    case "danmakuTick": {
      const d = n.danmakuTick!;
      return {
        kind: "danmakuTick",
        roomSeq,
        tick: d.tick ?? 0,
        streamTsMs: d.streamTsMs ?? 0,
        items: (d.items ?? []).map((i) => ({
          id: i.id ?? 0,
          userId: i.userId ?? "",
          text: i.text ?? "",
          streamTsMs: i.streamTsMs ?? 0,
        })),
        dropped: d.dropped ?? 0,
      };
    }
    case "likes":
      return { kind: "likes", roomSeq, total: num(n.likes!.total), added: n.likes!.added ?? 0 };
    case "onlineCount":
      return { kind: "onlineCount", roomSeq, online: n.onlineCount!.online ?? 0 };
    case "giftShown": {
      const g = n.giftShown!;
      return {
        kind: "giftShown",
        roomSeq,
        userId: g.userId ?? "",
        giftId: g.giftId ?? "",
        giftName: g.giftName ?? "",
        quantity: g.quantity ?? 0,
        coins: num(g.coins),
        streamTsMs: g.streamTsMs ?? 0,
        senderTotalCoins: num(g.senderTotalCoins),
      };
    }
    case "danmakuDeleted":
      return { kind: "danmakuDeleted", roomSeq, id: n.danmakuDeleted!.id ?? 0 };
    case "pollOpened":
      return { kind: "pollOpened", roomSeq, ...poll(n.pollOpened!) };
    case "pollTotals": {
      const t = n.pollTotals!;
      return {
        kind: "pollTotals",
        roomSeq,
        pollId: t.pollId ?? 0,
        totals: [...(t.totals ?? [])],
        votes: t.votes ?? 0,
      };
    }
    case "pollClosed": {
      const c = n.pollClosed!;
      return {
        kind: "pollClosed",
        roomSeq,
        pollId: c.pollId ?? 0,
        totals: [...(c.totals ?? [])],
        votes: c.votes ?? 0,
        timedOut: c.timedOut ?? false,
      };
    }
    case "slowMode":
      return { kind: "slowMode", roomSeq, seconds: n.slowMode!.seconds ?? 0 };
    case undefined:
      return { kind: "unknown", roomSeq, type };
  }
}

/**
 * Decodes one binary frame from the room. Never throws: undecodable bytes come back as `invalid`.
 *
 * @example
 * const inbound = decodeInbound(bytes);
 * if (inbound.kind === "notification") console.log(inbound.notification.roomSeq);
 */
export function decodeInbound(data: Uint8Array): Inbound {
  let frame: liveroom.Frame;
  try {
    frame = liveroom.Frame.decode(data);
  } catch (err) {
    return { kind: "invalid", reason: `undecodable frame: ${String(err)}` };
  }
  const type = frame.type ?? 0;
  switch (frame.body) {
    case "response": {
      const r = frame.response as liveroom.Response;
      return {
        kind: "response",
        type,
        seq: frame.seq ?? 0,
        response: {
          ok: r.status === liveroom.Status.OK,
          code: r.code ?? liveroom.Code.NONE,
          message: r.message ?? "",
          result: result(r),
        },
      };
    }
    case "notification":
      return {
        kind: "notification",
        type,
        notification: notification(type, frame.notification as liveroom.Notification),
      };
    case "request":
      return { kind: "invalid", reason: `unexpected request frame from the room (type ${type})` };
    case undefined:
      return { kind: "invalid", reason: `frame without a body (type ${type})` };
  }
}

/**
 * Encodes one request frame.
 *
 * @example
 * socket.send(encodeRequest(liveroom.Type.ANSWER, 3, { answer: { question: 0, option: 2 } }));
 */
export function encodeRequest(
  type: liveroom.Type,
  seq: number,
  payload: liveroom.Request.$Properties,
): Uint8Array {
  return liveroom.Frame.encode({ type, seq, request: payload }).finish();
}

/** The enum name of a failure code, e.g. `codeName(212) === "TOO_LATE"`. */
export function codeName(code: number): string {
  return liveroom.Code[code] ?? `CODE_${code}`;
}
