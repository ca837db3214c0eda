import { liveroom } from "../schema/generated/live.js";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, roomWentAway, spreadDelay } from "./backoff.js";
import { CLOSE_CODES, type CloseReason, closeReason } from "./close.js";
import {
  type AnswerAck,
  codeName,
  type DecodedResponse,
  decodeInbound,
  encodeRequest,
  type GrabResult,
  HEARTBEAT,
  type Outcome,
  type PollInfo,
  type QuestionInfo,
  type ResponseResult,
  type Resumed,
  type RevealInfo,
  type RoomNotification,
  type RoomStats,
  type Welcome,
} from "./codec.js";
import { verifyReveal } from "./commitment.js";
import {
  type ClientEvents,
  type ConnectionEvent,
  type ConnectionState,
  Emitter,
  type NotificationOf,
} from "./events.js";
import { OUTCOME_CORRECT, OUTCOME_OUT_WRONG, OUTCOME_UNKNOWN, unsealOutcome } from "./seal.js";
import { SeqTracker } from "./sequence.js";
import { atGrabCap, PPM_ALL, shouldSendTap } from "./throttle.js";
import { refreshDelayMs, tokenExpiryMs } from "./token.js";
import { ConnectError, type Connector, messageReader, OPEN, type SocketLike } from "./transport.js";

/**
 * Failures decided by the client, not the room:
 * - TIMEOUT: no response within `requestTimeoutMs` (the room may still have applied the request);
 * - DISCONNECTED: the socket went away before the response (same caveat);
 * - NOT_CONNECTED: sent while not connected; nothing reached the room;
 * - CONNECT_FAILED: the socket could not be opened;
 * - CLOSED: `close()` was called;
 * - BAD_RESPONSE: a success without the result its request calls for (a room bug);
 * - THROTTLED_LOCALLY: `tap()` kept this tap back to honour the rain's throttle factor;
 * - CAP_REACHED_LOCALLY: `tap()` kept this tap back because the player already holds the
 *   activity's cap of red packets (the room would answer CAP_REACHED);
 * - REFRESH_FAILED: `refresh()` had no token to send: no `refreshToken` option, or it threw.
 */
export type LocalCode =
  | "TIMEOUT"
  | "DISCONNECTED"
  | "NOT_CONNECTED"
  | "CONNECT_FAILED"
  | "CLOSED"
  | "BAD_RESPONSE"
  | "THROTTLED_LOCALLY"
  | "CAP_REACHED_LOCALLY"
  | "REFRESH_FAILED";

/** A failed request as a value: a room code (a `liveroom.Code` number) or a `LocalCode`. */
export interface Failure {
  ok: false;
  code: liveroom.Code | LocalCode;
  /** The enum name of a room code ("TOO_LATE"), or the local code itself. */
  codeName: string;
  message: string;
}

/** Every request resolves to one of these; nothing is thrown for an expected failure. */
export type Result<T> = ({ ok: true } & T) | Failure;

export interface ClientOptions {
  /** Opens a socket for a token: `browserConnector`, `nodeConnector`, `fetchConnector` or your own. */
  connector: Connector;
  /** The JWT; sent in the connect URL by the connectors and in the AUTH frame. */
  token: string;
  /** Default 10 000. */
  requestTimeoutMs?: number;
  /** How often the heartbeat text frame is sent. Default 15 000. */
  heartbeatIntervalMs?: number;
  /** Silence after which the socket counts as dead. Default 2 heartbeat intervals + 5 000. */
  deadAfterMs?: number;
  /** How long a missing room sequence may hold later notifications back before a re-sync. Default 3 000. */
  holeTimeoutMs?: number;
  /**
   * Reconnect back-off (and `defaultWindowMs`, the spread window for rooms whose Welcome has none), or
   * false to never reconnect on its own.
   */
  reconnect?: Partial<BackoffOptions> | false;
  /** A room sequence persisted by the app (e.g. across a page reload): the first connect resumes after it. */
  lastRoomSeq?: number;
  /** Random source in [0, 1) for jitter, the reconnect spread and tap throttling. Default Math.random. */
  random?: () => number;
  /**
   * Fetches a new token for the same user. With it, the client sends REFRESH before the current
   * token's `exp` (a minute before, or at 80 % of the remaining lifetime for short tokens), uses the
   * new token for reconnects, and fetches one before reconnecting with an expired token (after a
   * 4001 close too). Without it the room closes the socket with 4001 at `exp` and the client stays
   * closed. A refusal (TOKEN_INVALID) is an `error` event; the socket then expires with the old token.
   */
  refreshToken?: () => Promise<string>;
}

type Timer = ReturnType<typeof setTimeout>;

interface Pending {
  settle(res: DecodedResponse): void;
  fail(code: LocalCode, message: string): void;
}

const HEARTBEAT_TIMEOUT_CLOSE = CLOSE_CODES.HEARTBEAT_TIMEOUT;
/** RESUME answers asked for in one go before falling back to the snapshot (the room pages 200 at a time). */
const MAX_RESUME_PAGES = 50;
/** setTimeout's longest delay (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A token this close to its expiry is refreshed before a connection attempt rather than sent. */
const EXPIRED_SLACK_MS = 5_000;

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function failure(code: LocalCode, message: string): Failure {
  return { ok: false, code, codeName: code, message };
}

function closeQuietly(socket: SocketLike | undefined, code = 1000, reason = ""): void {
  try {
    socket?.close(code, reason);
  } catch {
    // a socket that is already closing or closed: nothing left to release
  }
}

const pickWelcome = (r: ResponseResult | undefined) =>
  r?.kind === "welcome" ? { welcome: r.welcome } : undefined;
const pickResumed = (r: ResponseResult | undefined): Resumed | undefined =>
  r?.kind === "resumed" ? { fromSeq: r.fromSeq, toSeq: r.toSeq, gap: r.gap, more: r.more } : undefined;
const pickRefreshed = (r: ResponseResult | undefined): { expMs: number } | undefined =>
  r?.kind === "refreshed" ? { expMs: r.expMs } : undefined;
const pickAnswer = (r: ResponseResult | undefined): AnswerAck | undefined =>
  r?.kind === "answer" ? { question: r.question, sealed: r.sealed } : undefined;
const pickGrab = (r: ResponseResult | undefined): GrabResult | undefined =>
  r?.kind === "grab" ? { rain: r.rain, amountCents: r.amountCents, grabbed: r.grabbed } : undefined;
const pickDanmaku = (r: ResponseResult | undefined): DanmakuAck | undefined =>
  r?.kind === "danmaku" ? { id: r.id, text: r.text, streamTsMs: r.streamTsMs } : undefined;
const pickGift = (r: ResponseResult | undefined): GiftAck | undefined =>
  r?.kind === "gift"
    ? {
        giftId: r.giftId,
        quantity: r.quantity,
        coins: r.coins,
        balanceCoins: r.balanceCoins,
        replayed: r.replayed,
      }
    : undefined;
const pickGifters = (r: ResponseResult | undefined): { gifters: GifterRow[] } | undefined =>
  r?.kind === "gifters" ? { gifters: r.gifters } : undefined;
const pickPoll = (r: ResponseResult | undefined): { poll: PollInfo } | undefined =>
  r?.kind === "poll" ? { poll: r.poll } : undefined;
const pickPollVote = (r: ResponseResult | undefined): PollVoteAck | undefined =>
  r?.kind === "pollVote" ? { pollId: r.pollId, choice: r.choice } : undefined;
const pickNothing = (): Record<string, never> => ({});

/**
 * What `resume()` did: notifications `fromSeq..toSeq` were asked for in `pages` RESUME answers;
 * `gap` when the client fell back to the snapshot instead (the room's gap, RESUME_LIMITED, or more
 * pages than the client asks for in one go), in which case `resync` was emitted.
 */
export interface ResumeSummary extends Resumed {
  pages: number;
}

/** A vote the room counted: the first of this player in this poll. */
export interface PollVoteAck {
  pollId: number;
  choice: number;
}

/** A danmaku the room accepted (stored): its id in the DANMAKU_TICK frames and its normalised text. */
export interface DanmakuAck {
  id: number;
  text: string;
  streamTsMs: number;
}

/** A gift paid: `replayed` when the same key had paid already (nothing debited again). */
export interface GiftAck {
  giftId: string;
  quantity: number;
  coins: number;
  balanceCoins: number;
  replayed: boolean;
}

export interface GifterRow {
  rank: number;
  userId: string;
  coins: number;
}

// Operator requests may or may not carry figures; a success is a success either way.
const pickStats = (r: ResponseResult | undefined): { stats: RoomStats | undefined } => ({
  stats: r?.kind === "stats" ? r.stats : undefined,
});

/**
 * Unseals your own answer result with the key from the reveal.
 *
 * @example
 * const outcome = await unseal(ack.sealed, reveal.key, welcome.userId); // liveroom.Outcome.CORRECT
 */
export async function unseal(sealed: Uint8Array, key: Uint8Array, userId: string): Promise<Outcome> {
  const o = await unsealOutcome(sealed, key, userId);
  return o >= OUTCOME_CORRECT && o <= OUTCOME_OUT_WRONG ? (o as Outcome) : (OUTCOME_UNKNOWN as Outcome);
}

/**
 * A connection to one live room: auth, heartbeat, requests matched by sequence, typed
 * notifications delivered exactly once and in order, sealed results opened at the reveal, and
 * reconnect with resume.
 *
 * @example
 * const client = new LiveroomClient({ token, connector: browserConnector("https://live.example.com", "act_1") });
 * client.on("question", (q) => showAt(q.streamTsMs, q));
 * client.on("outcome", (o) => console.log(o.question, o.outcome));
 * const hello = await client.connect();
 * if (!hello.ok) throw new Error(hello.codeName);
 * const r = await client.answer(0, 2);
 * if (!r.ok) console.warn(r.codeName); // e.g. "TOO_LATE"
 */
export class LiveroomClient {
  readonly #events = new Emitter<ClientEvents>();
  readonly #connector: Connector;
  #token: string;
  readonly #requestTimeoutMs: number;
  readonly #heartbeatIntervalMs: number;
  readonly #deadAfterMs: number;
  readonly #holeTimeoutMs: number;
  readonly #backoff: BackoffOptions | undefined;
  readonly #random: () => number;
  readonly #refreshToken: (() => Promise<string>) | undefined;

  #state: ConnectionState = "idle";
  #socket: SocketLike | undefined;
  // Bumped whenever a socket is attached or torn down: events of older sockets are ignored.
  #session = 0;
  #seq = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #tracker: SeqTracker<RoomNotification>;
  #welcome: Welcome | undefined;
  #clockOffsetMs = 0;
  #syncing = false;
  #closedByUser = false;
  #attempt = 0;
  #inflight: Promise<Result<{ welcome: Welcome }>> | undefined;
  // Set when the last socket went away with a code that forbids reconnecting (4009, or 4001 without
  // refreshToken): the attempt under way ends "closed". Cleared by connect() and reconnect().
  #stopReason: CloseReason | undefined;
  #lastCloseReason: CloseReason | undefined;
  // The automatic refresh: when (Date.now()) it is due, and whether one is under way.
  #refreshAt = 0;
  #autoRefreshing = false;

  readonly #sealed = new Map<number, Uint8Array>();
  // The last question received before its reveal (a QUESTION, or a snapshot's current question not
  // yet revealed): its commitment is what the reveal is verified against.
  #question: QuestionInfo | undefined;
  readonly #outcomes = new Set<number>();
  readonly #throttle = new Map<number, number>();
  // Red packets the player holds in this activity (Welcome, grab answers) against the activity's
  // cap (RAIN_STARTED, the Welcome's running rain; 0 while unknown); `#capRefused` once the room
  // answered CAP_REACHED, until the next Welcome or RAIN_STARTED says more.
  #grabbed = 0;
  #grabCap = 0;
  #capRefused = false;
  // Grab ids are "<random per client>.<n>": unique per user and rain even across tabs and reconnects.
  readonly #clientId = randomId();
  #grabCount = 0;
  #giftCount = 0;

  #heartbeatTimer: Timer | undefined;
  #watchdogTimer: Timer | undefined;
  #reconnectTimer: Timer | undefined;
  #holeTimer: Timer | undefined;
  #refreshTimer: Timer | undefined;

  // Events go out through one ordered queue so that an outcome (unsealed asynchronously) is
  // emitted right after its reveal and before anything the room sent later.
  readonly #backlog: Array<() => void | Promise<void>> = [];
  #draining = false;

  constructor(opts: ClientOptions) {
    this.#connector = opts.connector;
    this.#token = opts.token;
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.#heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 15_000;
    this.#deadAfterMs = opts.deadAfterMs ?? 2 * this.#heartbeatIntervalMs + 5_000;
    this.#holeTimeoutMs = opts.holeTimeoutMs ?? 3_000;
    this.#backoff = opts.reconnect === false ? undefined : { ...DEFAULT_BACKOFF, ...opts.reconnect };
    this.#random = opts.random ?? Math.random;
    this.#refreshToken = opts.refreshToken;
    this.#tracker = new SeqTracker(opts.lastRoomSeq);
  }

  /** "idle" | "connecting" | "open" | "reconnecting" | "closed". */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The highest room sequence delivered with nothing missing before it (0 before the first Welcome). */
  get lastRoomSeq(): number {
    return this.#tracker.last ?? 0;
  }

  /** The latest Welcome (refreshed on every reconnect). */
  get welcome(): Welcome | undefined {
    return this.#welcome;
  }

  /** The room's clock now, estimated from the last Welcome: compare with question deadlines. */
  serverNow(): number {
    return Date.now() + this.#clockOffsetMs;
  }

  /** The throttle factor (ppm) `tap()` applies to a rain: from RAIN_STARTED / THROTTLE, 0 once ended. */
  throttlePpm(rain: number): number {
    return this.#throttle.get(rain) ?? PPM_ALL;
  }

  /**
   * Uses `token` for the next AUTH and the next connection; the open socket keeps its old token's
   * expiry (use `refresh(token)` to extend it).
   */
  setToken(token: string): void {
    this.#token = token;
    if (this.#state !== "idle" && this.#state !== "closed") this.#scheduleRefresh();
  }

  /**
   * Sends a new token for the same user on the open socket (REFRESH), so that the room keeps it
   * past the current token's `exp`; without `token`, asks the `refreshToken` option for one. On
   * success (`expMs`: the socket's new expiry, room clock) or when not connected, the new token is
   * used for every later AUTH and connection. A token the room refuses (TOKEN_INVALID, or
   * ALREADY_AUTHENTICATED for another user's) is not kept.
   *
   * @example
   * const r = await client.refresh(await fetchNewToken());
   * if (!r.ok) console.warn(r.codeName); // "TOKEN_INVALID": the socket closes (4001) at the old exp
   */
  async refresh(token?: string): Promise<Result<{ expMs: number }>> {
    let next = token;
    if (next === undefined) {
      if (!this.#refreshToken) return failure("REFRESH_FAILED", "no token given and no refreshToken option");
      try {
        next = await this.#refreshToken();
      } catch (err) {
        return failure("REFRESH_FAILED", `refreshToken failed: ${String(err)}`);
      }
    }
    const r = await this.#call(liveroom.Type.REFRESH, { refresh: { token: next } }, pickRefreshed);
    // A local failure (not connected, lost, timed out): the room never refused it, so the next AUTH uses it.
    if (r.ok || typeof r.code === "string") {
      this.#token = next;
      this.#scheduleRefresh();
    }
    if (r.ok) {
      const expMs = r.expMs;
      this.#enqueue(() => this.#events.emit("refreshed", { expMs }));
    }
    return r;
  }

  /**
   * Subscribes to an event; returns the unsubscribe function.
   *
   * @example
   * const off = client.on("reveal", (r) => console.log(r.question, r.correct, r.counts));
   */
  on<K extends keyof ClientEvents>(type: K, handler: (event: ClientEvents[K]) => void): () => void {
    return this.#events.on(type, handler);
  }

  /** Removes a handler added with `on`. */
  off<K extends keyof ClientEvents>(type: K, handler: (event: ClientEvents[K]) => void): void {
    this.#events.off(type, handler);
  }

  /**
   * The next event of a type (optionally matching `filter`); rejects after `timeoutMs`.
   *
   * @example
   * const reveal = await client.next("reveal", (r) => r.question === 0, 5000);
   */
  next<K extends keyof ClientEvents>(
    type: K,
    filter?: (event: ClientEvents[K]) => boolean,
    timeoutMs?: number,
  ): Promise<ClientEvents[K]> {
    return this.#events.next(type, filter, timeoutMs);
  }

  /**
   * Opens the socket, authenticates and (with a known room sequence) resumes. One attempt: a
   * failure is returned and the state becomes "closed"; reconnects happen only once a session
   * has been established and is lost.
   */
  connect(): Promise<Result<{ welcome: Welcome }>> {
    if (this.#state === "open" && this.#welcome) return Promise.resolve({ ok: true, welcome: this.#welcome });
    this.#closedByUser = false;
    this.#stopReason = undefined;
    return this.#attemptNow(this.#state === "idle" || this.#state === "closed");
  }

  /** Drops the current socket and reconnects now, resuming after `lastRoomSeq`. */
  reconnect(): Promise<Result<{ welcome: Welcome }>> {
    if (this.#inflight) return this.#inflight;
    this.#closedByUser = false;
    this.#stopReason = undefined;
    const socket = this.#socket;
    this.#teardown("DISCONNECTED", "reconnect requested");
    closeQuietly(socket, 1000, "reconnect");
    this.#attempt = 0;
    this.#setState({ state: "reconnecting", reason: "reconnect requested", attempt: 1, delayMs: 0 });
    return this.#attemptNow(false);
  }

  /** Closes for good: no reconnect; pending requests resolve with CLOSED. `connect()` starts over. */
  close(): void {
    this.#closedByUser = true;
    this.#clearTimer("reconnect");
    this.#clearTimer("refresh");
    const socket = this.#socket;
    this.#teardown("CLOSED", "closed by the client");
    closeQuietly(socket, 1000, "bye");
    this.#setState({ state: "closed", reason: "closed by the client" });
  }

  /**
   * Answers question `question` with option `option` (both 0-based). The sealed result is kept
   * and opened at the reveal (`outcome` event). `streamPosMs` is where the viewer's player is, as a
   * stamp (`toStamp(position)`, stream-time.ts): a page that held the question until its player reached
   * it reports it, and the room counts the window from then (docs/protocol.md, "Fair answer windows").
   */
  async answer(
    question: number,
    option: number,
    opts: { streamPosMs?: number } = {},
  ): Promise<Result<AnswerAck>> {
    const answer = { question, option, streamPosMs: opts.streamPosMs ?? 0 };
    const r = await this.#call(liveroom.Type.ANSWER, { answer }, pickAnswer);
    if (r.ok) this.#sealed.set(r.question, r.sealed);
    return r;
  }

  /**
   * Grabs a red packet of rain `rain`, unthrottled (see `tap`). Each grab carries a fresh
   * `grab_id`; if its answer is lost (DISCONNECTED, TIMEOUT) it is sent once more under the same
   * id as soon as the connection is open again, which can only return the room's first answer,
   * never a second packet. Always sent, even at the cap; its answer (`grabbed`, or CAP_REACHED)
   * is what `tap` counts against the cap.
   */
  async grab(rain: number): Promise<Result<GrabResult>> {
    const grabId = `${this.#clientId}.${++this.#grabCount}`;
    const send = () => this.#call(liveroom.Type.GRAB, { grab: { rain, grabId } }, pickGrab);
    let r = await send();
    const lost = !r.ok && (r.code === "DISCONNECTED" || r.code === "TIMEOUT");
    if (lost && (await this.#whenOpen(this.#requestTimeoutMs))) r = await send();
    // A replayed answer may carry an older count: the count only grows.
    if (r.ok) this.#grabbed = Math.max(this.#grabbed, r.grabbed);
    else if (r.code === liveroom.Code.CAP_REACHED) this.#capRefused = true;
    return r;
  }

  /**
   * One tap on the rain. Resolved at once, without sending, as CAP_REACHED_LOCALLY once the player
   * is known to hold the activity's cap (`grabbed` from the Welcome and each granted grab, against
   * `cap` from RAIN_STARTED or the Welcome's running rain; or after the room answered CAP_REACHED).
   * Otherwise sent as a GRAB with probability throttle/1e6, else resolved at once as
   * THROTTLED_LOCALLY. Rains not seen start (e.g. joined mid-rain) send every tap; ended rains none.
   */
  tap(rain: number): Promise<Result<GrabResult>> {
    if (this.#capRefused) {
      return Promise.resolve(failure("CAP_REACHED_LOCALLY", "the room answered CAP_REACHED"));
    }
    if (atGrabCap(this.#grabbed, this.#grabCap)) {
      return Promise.resolve(
        failure(
          "CAP_REACHED_LOCALLY",
          `${this.#grabbed} packets held, the activity's cap is ${this.#grabCap}`,
        ),
      );
    }
    const ppm = this.throttlePpm(rain);
    if (!shouldSendTap(ppm, this.#random)) {
      return Promise.resolve(failure("THROTTLED_LOCALLY", `throttle ${ppm} ppm for rain ${rain}`));
    }
    return this.grab(rain);
  }

  /**
   * Sends a danmaku; `streamTsMs` is where this viewer's player is (0: the room estimates). Accepted
   * means stored; it is shown to the others if sampled into its tick (at most 20 a second per room).
   */
  danmaku(text: string, streamTsMs = 0): Promise<Result<DanmakuAck>> {
    return this.#call(liveroom.Type.DANMAKU, { danmaku: { text, streamTsMs } }, pickDanmaku);
  }

  /** Sends `count` likes at once (add up taps and send them every second or so: 1–100). */
  like(count = 1): Promise<Result<Record<string, never>>> {
    return this.#call(liveroom.Type.LIKE, { like: { count } }, pickNothing);
  }

  /**
   * Sends a gift. Paid once per key: the client makes one and, like `grab`, sends it once more with the
   * same key when the connection drops before the answer, which can never pay twice.
   */
  async gift(giftId: string, quantity = 1): Promise<Result<GiftAck>> {
    const key = `${this.#clientId}.g${++this.#giftCount}`;
    const send = () => this.#call(liveroom.Type.GIFT, { gift: { giftId, quantity, key } }, pickGift);
    const first = await send();
    if (first.ok || (first.code !== "DISCONNECTED" && first.code !== "TIMEOUT")) return first;
    return (await this.#whenOpen(this.#requestTimeoutMs)) ? send() : first;
  }

  /**
   * Votes for `choice` (0-based) in poll `pollId`. One vote per player per poll: a second is
   * POLL_ALREADY_VOTED (the first counts); a poll that closed or timed out is POLL_NOT_OPEN.
   */
  vote(pollId: number, choice: number): Promise<Result<PollVoteAck>> {
    return this.#call(liveroom.Type.POLL_VOTE, { pollVote: { pollId, choice } }, pickPollVote);
  }

  /** The room's gifter leaderboard (1–50 rows, default 10). */
  gifters(limit = 10): Promise<Result<{ gifters: GifterRow[] }>> {
    return this.#call(liveroom.Type.GIFTERS, { gifters: { limit } }, pickGifters);
  }

  /**
   * Asks for the notifications after `lastRoomSeq` on the open socket (reconnects do this by
   * themselves), page after page while the room says `more` (at most 50 pages). On a gap, on
   * RESUME_LIMITED or past 50 pages it re-authenticates and emits `resync` with the fresh Welcome
   * (`gap: true` in the result).
   */
  async resume(): Promise<Result<ResumeSummary>> {
    const wasSyncing = this.#syncing;
    this.#syncing = true;
    try {
      const last = this.lastRoomSeq;
      const { result: r } = await this.#resumePages(last, false);
      if (!r.ok && (typeof r.code === "string" || r.code !== liveroom.Code.RESUME_LIMITED)) return r;
      if (r.ok && !r.gap) return r;
      const s = await this.#snapshot(undefined, false);
      if (!s.ok) return s;
      return r.ok
        ? r
        : { ok: true, fromSeq: last + 1, toSeq: s.welcome.roomSeq, gap: true, more: false, pages: 1 };
    } finally {
      this.#syncing = wasSyncing;
      this.#checkHole();
    }
  }

  /**
   * Any request, for types this SDK has no helper for yet: resolves to the decoded result, if any.
   *
   * @example
   * const r = await client.request(liveroom.Type.STATS, { stats: {} });
   * if (r.ok && r.result?.kind === "stats") console.log(r.result.stats.online);
   */
  request(
    type: liveroom.Type,
    payload: liveroom.Request.$Properties,
  ): Promise<Result<{ result: ResponseResult | undefined }>> {
    return this.#call(type, payload, (result) => ({ result }));
  }

  /** Host: opens the room (lobby). */
  open(): Promise<Result<{ stats: RoomStats | undefined }>> {
    return this.#call(liveroom.Type.OPEN, { open: {} }, pickStats);
  }

  /** Host: pushes question k, stamped with the stream position the host sees. */
  pushQuestion(question: number, streamTsMs: number): Promise<Result<{ stats: RoomStats | undefined }>> {
    return this.#call(liveroom.Type.PUSH_QUESTION, { pushQuestion: { question, streamTsMs } }, pickStats);
  }

  /** Host: closes question k if still open and reveals its answer. */
  reveal(question: number, streamTsMs: number): Promise<Result<{ stats: RoomStats | undefined }>> {
    return this.#call(liveroom.Type.REVEAL, { reveal: { question, streamTsMs } }, pickStats);
  }

  /** Host: ends the game and splits the prize pool. */
  end(): Promise<Result<{ stats: RoomStats | undefined }>> {
    return this.#call(liveroom.Type.END, { end: {} }, pickStats);
  }

  /** Host: starts red-packet rain r. */
  startRain(rain: number, streamTsMs: number): Promise<Result<{ stats: RoomStats | undefined }>> {
    return this.#call(liveroom.Type.START_RAIN, { startRain: { rain, streamTsMs } }, pickStats);
  }

  /**
   * Host: opens a poll of 2–4 choices, for `durationMs` (5 s–10 min) or, with 0, until `closePoll`.
   * One poll at a time (POLL_ALREADY_OPEN); bad text or a bad duration is POLL_BAD_REQUEST.
   *
   * @example
   * const r = await host.openPoll("Next song?", ["rock", "jazz"], 60_000);
   * if (r.ok) console.log(r.poll.id, r.poll.endsAtMs);
   */
  openPoll(question: string, choices: string[], durationMs = 0): Promise<Result<{ poll: PollInfo }>> {
    return this.#call(liveroom.Type.POLL_OPEN, { pollOpen: { question, choices, durationMs } }, pickPoll);
  }

  /** Host: closes poll `pollId` now; the answer carries its final totals (everyone gets `pollClosed`). */
  closePoll(pollId: number): Promise<Result<{ poll: PollInfo }>> {
    return this.#call(liveroom.Type.POLL_CLOSE, { pollClose: { pollId } }, pickPoll);
  }

  /** Host: the room's figures. */
  stats(): Promise<Result<{ stats: RoomStats | undefined }>> {
    return this.#call(liveroom.Type.STATS, { stats: {} }, pickStats);
  }

  // ---- connection lifecycle ----

  async #whenOpen(timeoutMs: number): Promise<boolean> {
    if (this.#state === "open") return true;
    if (this.#state === "closed" || this.#state === "idle") return false;
    const settled = (e: ConnectionEvent) => e.state === "open" || e.state === "closed";
    const e = await this.#events.next("connection", settled, timeoutMs).catch(() => undefined);
    return e?.state === "open";
  }

  #attemptNow(first: boolean): Promise<Result<{ welcome: Welcome }>> {
    if (this.#inflight) return this.#inflight;
    this.#clearTimer("reconnect");
    if (first) this.#setState({ state: "connecting" });
    const run = async (): Promise<Result<{ welcome: Welcome }>> => {
      const r = await this.#open();
      this.#inflight = undefined;
      if (r.ok) {
        this.#attempt = 0;
        this.#setState({ state: "open" });
        this.#checkHole();
        this.#scheduleRefresh();
        return r;
      }
      if (this.#closedByUser) return r;
      if (first || r.code === liveroom.Code.TOKEN_INVALID || this.#stopReason !== undefined)
        this.#setState({ state: "closed", reason: this.#stopReason ?? r.codeName });
      else this.#scheduleReconnect(r.codeName);
      return r;
    };
    this.#inflight = run();
    return this.#inflight;
  }

  async #open(): Promise<Result<{ welcome: Welcome }>> {
    if (this.#needsNewToken()) {
      await this.#renewToken();
      if (this.#closedByUser) return failure("CLOSED", "closed by the client");
    }
    let socket: SocketLike;
    try {
      socket = await this.#connector(this.#token);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof ConnectError && err.status === 401) {
        return { ok: false, code: liveroom.Code.TOKEN_INVALID, codeName: "TOKEN_INVALID", message };
      }
      return failure("CONNECT_FAILED", message);
    }
    if (this.#closedByUser) {
      closeQuietly(socket);
      return failure("CLOSED", "closed by the client");
    }
    const session = this.#attach(socket);
    const r = await this.#sync();
    if (!r.ok) {
      if (session === this.#session) this.#teardown("DISCONNECTED", "handshake failed");
      closeQuietly(socket, 1000, "handshake failed");
      return r;
    }
    // The socket may have died between the handshake's last response and now.
    if (session !== this.#session) return failure("DISCONNECTED", "socket lost during the handshake");
    return r;
  }

  #attach(socket: SocketLike): number {
    const session = ++this.#session;
    this.#socket = socket;
    const read = messageReader((data) => this.#onMessage(session, data));
    socket.addEventListener("message", (e) => {
      if (session === this.#session) read(e.data);
    });
    socket.addEventListener("close", (e) => {
      const code = e.code ?? 0;
      const message = e.reason ?? "";
      this.#lost(session, `closed (${code}${message ? ` ${message}` : ""})`, {
        code,
        reason: closeReason(code),
        message,
      });
    });
    socket.addEventListener("error", () =>
      this.#lost(session, "socket error", { code: 0, reason: "socket-error", message: "socket error" }),
    );
    this.#heartbeatTimer = setInterval(() => {
      if (session === this.#session && socket.readyState === OPEN) socket.send(HEARTBEAT);
    }, this.#heartbeatIntervalMs);
    this.#armWatchdog(session);
    return session;
  }

  #armWatchdog(session: number): void {
    this.#clearTimer("watchdog");
    this.#watchdogTimer = setTimeout(
      () =>
        this.#lost(
          session,
          "heartbeat timeout",
          { code: HEARTBEAT_TIMEOUT_CLOSE, reason: "heartbeat-timeout", message: "heartbeat timeout" },
          HEARTBEAT_TIMEOUT_CLOSE,
        ),
      this.#deadAfterMs,
    );
  }

  /** Whether the client may reconnect after a socket closed for `reason`. */
  #mayReconnectAfter(reason: CloseReason): boolean {
    // Another connection of the same user took over (a newer tab): coming back would fight it.
    if (reason === "replaced") return false;
    // An expired token comes back only if the client can fetch a new one.
    return reason !== "token-expired" || this.#refreshToken !== undefined;
  }

  #lost(
    session: number,
    reason: string,
    seen: { code: number; reason: CloseReason; message: string },
    closeCode = 1000,
  ): void {
    if (session !== this.#session || !this.#socket) return;
    const socket = this.#socket;
    const wasOpen = this.#state === "open";
    const allowed = this.#mayReconnectAfter(seen.reason);
    this.#lastCloseReason = seen.reason;
    if (!allowed) this.#stopReason = seen.reason;
    // The first connect's handshake ends "closed" on failure; later ones retry while attempts are left.
    const reconnect =
      allowed &&
      !this.#closedByUser &&
      this.#backoff !== undefined &&
      this.#state !== "connecting" &&
      this.#attempt < this.#backoff.maxAttempts;
    this.#teardown("DISCONNECTED", reason);
    closeQuietly(socket, closeCode, reason);
    this.#events.emit("disconnect", { ...seen, reconnect });
    // While connecting, the handshake sees its requests fail and the attempt decides what next.
    if (!wasOpen || this.#closedByUser) return;
    if (allowed) this.#scheduleReconnect(reason, roomWentAway(seen.code));
    else this.#setState({ state: "closed", reason: seen.reason });
  }

  #teardown(code: LocalCode, reason: string): void {
    this.#session++;
    this.#socket = undefined;
    this.#clearTimer("heartbeat");
    this.#clearTimer("watchdog");
    this.#clearTimer("hole");
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.fail(code, reason);
  }

  /**
   * Arms the next attempt. `roomGone`: the open socket went down in a way every socket of the room
   * may have at once (a deploy): the first attempt then waits a uniform draw over the room's window,
   * so that the room's viewers come back spread over it; later attempts back off as usual.
   */
  #scheduleReconnect(reason: string, roomGone = false): void {
    if (!this.#backoff || this.#attempt >= this.#backoff.maxAttempts) {
      this.#setState({ state: "closed", reason });
      return;
    }
    const spread =
      roomGone && this.#attempt === 0
        ? spreadDelay(this.#welcome?.reconnectWindowMs ?? 0, this.#backoff.defaultWindowMs, this.#random)
        : undefined;
    const delayMs = spread?.delayMs ?? backoffDelay(this.#attempt, this.#backoff, this.#random);
    this.#attempt++;
    this.#setState({
      state: "reconnecting",
      reason,
      attempt: this.#attempt,
      delayMs,
      ...(spread ? { windowMs: spread.windowMs } : {}),
    });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      void this.#attemptNow(false);
    }, delayMs);
  }

  #setState(event: ConnectionEvent): void {
    if (event.state === this.#state && event.state !== "reconnecting") return;
    this.#state = event.state;
    this.#events.emit("connection", event);
  }

  #clearTimer(which: "heartbeat" | "watchdog" | "reconnect" | "hole" | "refresh"): void {
    switch (which) {
      case "heartbeat":
        clearInterval(this.#heartbeatTimer);
        this.#heartbeatTimer = undefined;
        return;
      case "watchdog":
        clearTimeout(this.#watchdogTimer);
        this.#watchdogTimer = undefined;
        return;
      case "reconnect":
        clearTimeout(this.#reconnectTimer);
        this.#reconnectTimer = undefined;
        return;
      case "hole":
        clearTimeout(this.#holeTimer);
        this.#holeTimer = undefined;
        return;
      case "refresh":
        clearTimeout(this.#refreshTimer);
        this.#refreshTimer = undefined;
        return;
    }
  }

  // ---- token refresh ----

  /** Arms the automatic refresh for the current token (with `refreshToken` and a readable `exp`). */
  #scheduleRefresh(): void {
    this.#clearTimer("refresh");
    if (!this.#refreshToken || this.#closedByUser) return;
    const expMs = tokenExpiryMs(this.#token);
    if (expMs === undefined) return;
    // The room judges `exp` on its clock: the Welcome's estimate of it.
    this.#armRefresh(refreshDelayMs(expMs - this.serverNow()));
  }

  #armRefresh(delayMs: number): void {
    this.#clearTimer("refresh");
    this.#refreshAt = Date.now() + delayMs;
    const wait = () => {
      const left = this.#refreshAt - Date.now();
      this.#refreshTimer = setTimeout(
        () => {
          this.#refreshTimer = undefined;
          if (this.#refreshAt - Date.now() > 0) wait();
          else void this.#autoRefresh();
        },
        Math.min(Math.max(0, left), MAX_TIMER_MS),
      );
    };
    wait();
  }

  async #autoRefresh(): Promise<void> {
    if (!this.#refreshToken || this.#closedByUser || this.#autoRefreshing) return;
    const before = this.#token;
    this.#autoRefreshing = true;
    let r: Result<{ expMs: number }>;
    try {
      r = await this.refresh();
    } finally {
      this.#autoRefreshing = false;
    }
    if (r.ok) return;
    if (r.code === "REFRESH_FAILED") {
      this.#enqueue(() => this.#events.emit("error", { reason: r.message }));
      // Try again while the token has time left: halfway to its expiry, within 1–30 s.
      const expMs = tokenExpiryMs(before);
      const leftMs = expMs === undefined ? 0 : expMs - this.serverNow();
      if (!this.#closedByUser && leftMs > 2_000)
        this.#armRefresh(Math.min(30_000, Math.max(1_000, leftMs / 2)));
      return;
    }
    if (typeof r.code === "number") {
      const { code, codeName: name, message } = r;
      this.#enqueue(() =>
        this.#events.emit("error", { reason: `token refresh refused: ${message}`, code, codeName: name }),
      );
    }
  }

  /** Before a connection attempt: whether the token has expired (or the room closed the last socket as expired). */
  #needsNewToken(): boolean {
    if (!this.#refreshToken) return false;
    if (this.#lastCloseReason === "token-expired") return true;
    const expMs = tokenExpiryMs(this.#token);
    return expMs !== undefined && expMs - this.serverNow() <= EXPIRED_SLACK_MS;
  }

  async #renewToken(): Promise<void> {
    try {
      this.#token = await this.#refreshToken!();
      this.#lastCloseReason = undefined;
    } catch (err) {
      const reason = `refreshToken failed: ${String(err)}`;
      this.#enqueue(() => this.#events.emit("error", { reason }));
    }
  }

  // ---- handshake: AUTH, then RESUME when the room moved on ----

  async #sync(): Promise<Result<{ welcome: Welcome }>> {
    this.#syncing = true;
    this.#clearTimer("hole");
    try {
      const auth = await this.#call(liveroom.Type.AUTH, { auth: { token: this.#token } }, pickWelcome, true);
      if (!auth.ok) return auth;
      const w = auth.welcome;
      this.#adoptWelcome(w);
      const last = this.#tracker.last;
      if (last === undefined) {
        // First contact: the snapshot stands for everything up to its room_seq.
        this.#deliver(this.#tracker.reset(w.roomSeq));
        this.#enqueue(() => this.#outcomeFromSnapshot(w));
      } else if (w.roomSeq < last) {
        // The room's numbering went back (its history was lost): only the snapshot can be trusted.
        this.#resync(w, last, w.roomSeq);
      } else if (w.roomSeq > last || this.#tracker.hasHole) {
        const { result: r, pages } = await this.#resumePages(last, true);
        if (!r.ok && typeof r.code === "string") return r;
        // A room failure (RESUME_LIMITED…), a gap or too many pages: the snapshot. The Welcome just
        // received is it when the first answer said so; after pages, AUTH again for a fresh one.
        if (!r.ok || r.gap) return this.#snapshot(pages > 1 ? undefined : w, true);
      }
      return { ok: true, welcome: w };
    } finally {
      this.#syncing = false;
      this.#checkHole();
    }
  }

  /**
   * RESUME after `afterSeq`, then after each answer's `to_seq` while the room says `more`. A local
   * failure or a room failure comes back as is; `gap` when the snapshot has to stand in (the room's
   * gap, more than MAX_RESUME_PAGES pages, or a page that did not move on).
   */
  async #resumePages(
    afterSeq: number,
    handshake: boolean,
  ): Promise<{ result: Result<ResumeSummary>; pages: number }> {
    let after = afterSeq;
    let fromSeq = afterSeq + 1;
    for (let page = 1; ; page++) {
      const r = await this.#call(
        liveroom.Type.RESUME,
        { resume: { afterSeq: after } },
        pickResumed,
        handshake,
      );
      if (!r.ok) return { result: r, pages: page };
      if (page === 1) fromSeq = r.fromSeq;
      const summary = { ok: true as const, fromSeq, toSeq: r.toSeq, gap: r.gap, more: r.more, pages: page };
      if (r.gap || !r.more) return { result: summary, pages: page };
      if (page >= MAX_RESUME_PAGES || r.toSeq <= after) {
        return { result: { ...summary, gap: true, more: false }, pages: page };
      }
      after = r.toSeq;
    }
  }

  /**
   * The snapshot stands for everything missed: `fresh` when it is a Welcome just received, else a
   * new AUTH on the same socket. Emits `resync`.
   */
  async #snapshot(fresh: Welcome | undefined, handshake: boolean): Promise<Result<{ welcome: Welcome }>> {
    const fromSeq = this.lastRoomSeq;
    let w = fresh;
    if (w === undefined) {
      const a = await this.#call(
        liveroom.Type.AUTH,
        { auth: { token: this.#token } },
        pickWelcome,
        handshake,
      );
      if (!a.ok) return a;
      w = a.welcome;
      this.#adoptWelcome(w);
    }
    this.#resync(w, fromSeq, Math.max(w.roomSeq, this.lastRoomSeq));
    return { ok: true, welcome: w };
  }

  #adoptWelcome(w: Welcome): void {
    this.#welcome = w;
    this.#clockOffsetMs = w.serverTimeMs - Date.now();
    // One rain runs at a time: the snapshot's is the only one taps should still reach.
    for (const r of this.#throttle.keys()) this.#throttle.set(r, 0);
    if (w.room.rain) this.#throttle.set(w.room.rain.rain, w.room.rain.throttlePpm);
    // The room's own count: it replaces what the grab answers said (and a CAP_REACHED seen).
    this.#grabbed = w.player.grabbed;
    this.#capRefused = false;
    if (w.room.rain?.cap) this.#grabCap = w.room.rain.cap;
    const current = w.room.current;
    if (current && w.room.lastReveal?.question !== current.question) this.#question = current;
    const q = current?.question;
    if (q !== undefined && w.player.sealed && !this.#outcomes.has(q)) this.#sealed.set(q, w.player.sealed);
    this.#enqueue(() => this.#events.emit("welcome", w));
  }

  #resync(w: Welcome, fromSeq: number, toSeq: number): void {
    const ready = this.#tracker.reset(toSeq);
    this.#enqueue(() => this.#events.emit("resync", { welcome: w, fromSeq, toSeq }));
    this.#enqueue(() => this.#outcomeFromSnapshot(w));
    this.#deliver(ready);
  }

  // A missing number that nothing fills (a room hiccup) would hold everything after it forever:
  // after a while, re-run the handshake on the same socket to fetch it or resync.
  #checkHole(): void {
    if (!this.#tracker.hasHole) {
      this.#clearTimer("hole");
      return;
    }
    if (this.#holeTimer || this.#syncing || this.#state !== "open") return;
    this.#holeTimer = setTimeout(() => {
      this.#holeTimer = undefined;
      if (this.#tracker.hasHole && !this.#syncing && this.#state === "open") void this.#sync();
    }, this.#holeTimeoutMs);
  }

  // ---- inbound ----

  #onMessage(session: number, data: string | Uint8Array): void {
    if (session !== this.#session) return;
    this.#armWatchdog(session);
    // Text frames are heartbeat answers: they only prove the connection is alive.
    if (typeof data === "string") return;
    const inbound = decodeInbound(data);
    switch (inbound.kind) {
      case "response": {
        const { response } = inbound;
        // The frame budget's refusal answers no request (type 0, seq 0): pending requests stay as they are.
        if (inbound.seq === 0 && !response.ok && response.code === liveroom.Code.FRAME_RATE_LIMITED) {
          const event = { code: response.code, codeName: codeName(response.code), message: response.message };
          this.#enqueue(() => this.#events.emit("rateLimited", event));
          return;
        }
        const pending = this.#pending.get(inbound.seq);
        if (pending) {
          this.#pending.delete(inbound.seq);
          pending.settle(inbound.response);
        } else if (!inbound.response.ok) {
          const { code } = inbound.response;
          this.#enqueue(() =>
            this.#events.emit("error", {
              reason: `failure for no pending request (seq ${inbound.seq}): ${inbound.response.message}`,
              code,
              codeName: codeName(code),
            }),
          );
        }
        return;
      }
      case "notification": {
        const n = inbound.notification;
        if (n.roomSeq === 0) this.#deliver([n]);
        else this.#deliver(this.#tracker.offer(n.roomSeq, n));
        this.#checkHole();
        return;
      }
      case "invalid":
        this.#enqueue(() => this.#events.emit("error", { reason: inbound.reason }));
        return;
    }
  }

  #deliver(list: RoomNotification[]): void {
    for (const n of list) this.#enqueue(() => this.#dispatch(n));
  }

  #dispatch(n: RoomNotification): void | Promise<void> {
    let after: Promise<void> | undefined;
    switch (n.kind) {
      case "roomOpened":
        this.#events.emit("roomOpened", n);
        break;
      case "question":
        this.#question = n;
        this.#events.emit("question", n);
        break;
      case "reveal":
        // Verifying is asynchronous (Web Crypto): the reveal, its notification and the outcome go out in order after it.
        return this.#revealed(n);
      case "gameOver":
        this.#events.emit("gameOver", n);
        break;
      case "prize":
        this.#events.emit("prize", n);
        break;
      case "rainStarted":
        this.#throttle.set(n.rain, n.throttlePpm);
        if (n.cap) {
          this.#grabCap = n.cap;
          this.#capRefused = false;
        }
        this.#events.emit("rainStarted", n);
        break;
      case "rainEnded":
        this.#throttle.set(n.rain, 0);
        this.#events.emit("rainEnded", n);
        break;
      case "throttle":
        this.#throttle.set(n.rain, n.throttlePpm);
        this.#events.emit("throttle", n);
        break;
      case "danmakuTick":
        this.#events.emit("danmakuTick", n);
        break;
      case "likes":
        this.#events.emit("likes", n);
        break;
      case "onlineCount":
        this.#events.emit("onlineCount", n);
        break;
      case "giftShown":
        this.#events.emit("giftShown", n);
        break;
      case "danmakuDeleted":
        this.#events.emit("danmakuDeleted", n);
        break;
      case "pollOpened":
        this.#events.emit("pollOpened", n);
        break;
      case "pollTotals":
        this.#events.emit("pollTotals", n);
        break;
      case "pollClosed":
        this.#events.emit("pollClosed", n);
        break;
      case "slowMode":
        this.#events.emit("slowMode", n);
        break;
      case "unknown":
        break;
    }
    this.#events.emit("notification", n);
    return after;
  }

  async #revealed(n: NotificationOf<"reveal">): Promise<void> {
    const question = this.#question;
    const activityId = this.#welcome?.room.activityId;
    let verified = false;
    if (question?.question === n.question && activityId !== undefined) {
      try {
        verified = await verifyReveal(question, n, activityId);
      } catch {
        verified = false; // no Web Crypto here: nothing was verified
      }
    }
    this.#events.emit("reveal", { ...n, verified });
    this.#events.emit("notification", n);
    await this.#unsealFor(n);
  }

  #outcomeFromSnapshot(w: Welcome): Promise<void> | undefined {
    const reveal = w.room.lastReveal;
    return reveal ? this.#unsealFor(reveal) : undefined;
  }

  async #unsealFor(reveal: RevealInfo): Promise<void> {
    const sealed = this.#sealed.get(reveal.question);
    const userId = this.#welcome?.userId;
    if (!sealed || userId === undefined || this.#outcomes.has(reveal.question)) return;
    this.#sealed.delete(reveal.question);
    this.#outcomes.add(reveal.question);
    try {
      const outcome = await unseal(sealed, reveal.key, userId);
      this.#events.emit("outcome", { question: reveal.question, outcome, correct: reveal.correct });
    } catch (err) {
      this.#events.emit("error", { reason: `could not unseal question ${reveal.question}: ${String(err)}` });
    }
  }

  #enqueue(task: () => void | Promise<void>): void {
    this.#backlog.push(task);
    if (!this.#draining) void this.#drain();
  }

  // Runs synchronously while tasks are synchronous, so plain notifications reach handlers at once.
  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      for (let task = this.#backlog.shift(); task; task = this.#backlog.shift()) {
        const pending = task();
        if (pending) await pending;
      }
    } finally {
      this.#draining = false;
    }
  }

  // ---- outbound ----

  #call<T extends object>(
    type: liveroom.Type,
    payload: liveroom.Request.$Properties,
    pick: (r: ResponseResult | undefined) => T | undefined,
    handshake = false,
  ): Promise<Result<T>> {
    const socket = this.#socket;
    if ((!handshake && this.#state !== "open") || !socket || socket.readyState !== OPEN) {
      return Promise.resolve(failure("NOT_CONNECTED", `not connected (${this.#state})`));
    }
    const seq = ++this.#seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.#pending.delete(seq)) {
          resolve(
            failure("TIMEOUT", `no response to ${liveroom.Type[type]} within ${this.#requestTimeoutMs} ms`),
          );
        }
      }, this.#requestTimeoutMs);
      this.#pending.set(seq, {
        settle: (res) => {
          clearTimeout(timer);
          if (!res.ok) {
            resolve({ ok: false, code: res.code, codeName: codeName(res.code), message: res.message });
            return;
          }
          const value = pick(res.result);
          resolve(
            value
              ? { ok: true, ...value }
              : failure("BAD_RESPONSE", `${liveroom.Type[type]} succeeded without its result`),
          );
        },
        fail: (code, message) => {
          clearTimeout(timer);
          resolve(failure(code, message));
        },
      });
      try {
        socket.send(encodeRequest(type, seq, payload));
      } catch (err) {
        this.#pending.delete(seq);
        clearTimeout(timer);
        resolve(failure("DISCONNECTED", `send failed: ${String(err)}`));
      }
    });
  }
}
