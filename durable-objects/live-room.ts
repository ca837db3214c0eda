// The LiveRoom Durable Object: a thin adapter. It moves frames, storage and time in and out of
// the pure rules in ./quiz and ./protocol, and hands the rain, the danmaku and gifts, and the
// settlement drain to their modules (RainRoom, SocialRoom, SettlementRoom); it decides nothing itself.
import { DurableObject } from "cloudflare:workers";
import { sealOutcome } from "../client/seal";
import { liveroom } from "../schema/proto";
import { canOperate, type Role, verifyToken } from "../schema/auth";
import { loadActivityConfig, setActivityStatus } from "../schema/queries/activities";
import { loadRevivalCardsOf } from "../schema/queries/users";
import type { RoomStatsView } from "../schema/room-stats";
import { prizeEvent, revivalCardEvent } from "../schema/settlement";
import { BatchLoader } from "./batch-loader";
import { type ControlOp, type ControlResult, controlOpOf, controlRefused } from "./control";
import { type ClientRequest, decodeClientFrame, HEARTBEAT_TEXT } from "./protocol/decode";
import {
  answerRevealed,
  failure,
  fromBase64,
  gameOver,
  questionPushed,
  success,
  toBase64,
} from "./protocol/encode";
import { judgeAnswer, settleMissed } from "./quiz/answer";
import { decideClose, decideEnd, decideOpen, decidePush, decideReveal } from "./quiz/operator";
import { visiblePlayer } from "./quiz/visible";
import type { RoomState } from "./quiz/state";
import { RainRoom } from "./rain-room";
import type { RoomEnv } from "./room-env";
import { RoomStore } from "./room-store";
import { statsMessage, statsView, welcomeView } from "./room-views";
import { isSocialRequest, type ModerationOp, type ModerationResult, SocialRoom } from "./social-room";
import { nextAlarmMs, planAlarm } from "./schedule";
import { RECORD_PAGE_LIMIT, type RoomSettlementPage } from "./settlement-record";
import { SettlementRoom } from "./settlement-room";
import { type Attachment, closeQuietly, isSilent, sendQuietly, WS_OPEN } from "./sockets";

const T = liveroom.Type;
type CodeName = keyof typeof liveroom.Code;

const SWEEP_EVERY_MS = 60_000;

type OpResult = { ok: true } | { ok: false; code: CodeName; message: string };

export class LiveRoom extends DurableObject<RoomEnv> {
  readonly #store: RoomStore;
  #room: RoomState;
  #seq: number;
  readonly #graceMs: number;
  /** When this instance last armed the alarm (null: unknown, e.g. after a wake). */
  #alarmAtMs: number | null = null;
  // Connects arriving together share one D1 query for their revival cards (bench: connect storm).
  readonly #cards = new BatchLoader((ids) => loadRevivalCardsOf(this.env.DB, ids), 0);
  /** Danmaku, likes, gifts, moderation and the replay archive (docs/live-room.md). */
  readonly #social: SocialRoom;
  /** The red-packet rains: grabs, starts, ends and the throttle. */
  readonly #rain: RainRoom;
  /** The outbox drain and reconciliation's record and repair (docs/settlement.md). */
  readonly #settlement: SettlementRoom;
  /** The current question's key, decoded once per question (not per answer); rebuilt after a wake. */
  #key: { b64: string; bytes: Uint8Array } | null = null;

  constructor(ctx: DurableObjectState, env: RoomEnv) {
    super(ctx, env);
    this.#store = new RoomStore(ctx.storage.sql);
    ({ room: this.#room, seq: this.#seq } = this.#store.loadRoom());
    this.#graceMs = Number(env.ANSWER_GRACE_MS ?? "500");
    const transaction = <R>(fn: () => R): R => ctx.storage.transactionSync(fn);
    const broadcast = this.#broadcast.bind(this);
    const armAlarm = () => this.#armAlarm();
    this.#rain = new RainRoom({
      sql: ctx.storage.sql,
      transaction,
      activity: () => this.#room.activity,
      phase: () => this.#room.phase,
      countOpenSockets: () => this.ctx.getWebSockets().filter((ws) => ws.readyState === WS_OPEN).length,
      broadcast,
      send: sendQuietly,
      rows: this.#store,
      armAlarm,
    });
    this.#settlement = new SettlementRoom({
      sql: ctx.storage.sql,
      transaction,
      queue: env.SETTLEMENT,
      activityId: () => this.#room.activity?.id ?? null,
      rows: this.#store,
      armAlarm,
      armBy: (atMs) => this.#armBy(atMs),
    });
    this.#social = new SocialRoom({
      sql: ctx.storage.sql,
      transaction,
      db: env.DB,
      vars: env as unknown as Record<string, unknown>,
      activityId: () => this.#room.activity?.id ?? null,
      phase: () => this.#room.phase,
      broadcast,
      sendAll: (bytes) => {
        for (const ws of this.ctx.getWebSockets()) sendQuietly(ws, bytes);
      },
      send: sendQuietly,
      schedule: (name, atMs) => {
        this.#store.schedule(name, atMs);
        this.#armBy(atMs);
      },
    });
    // Rows committed just before an eviction, with their alarm not yet set, drain on this wake.
    this.#settlement.kickDrain();
    // Heartbeats are answered by the runtime without waking the room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_TEXT, HEARTBEAT_TEXT));
  }

  /** The WebSocket upgrade, forwarded by the Worker after it verified any token. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json(
        { error: { code: "UPGRADE_REQUIRED", message: "expected a WebSocket upgrade" } },
        { status: 426 },
      );
    }
    const activityId = request.headers.get("X-Liveroom-Activity") ?? "";
    if (!(await this.#ensureActivity(activityId))) {
      return Response.json(
        { error: { code: "ACTIVITY_NOT_FOUND", message: `no activity ${activityId}` } },
        { status: 404 },
      );
    }
    const user = request.headers.get("X-Liveroom-User");
    const role = request.headers.get("X-Liveroom-Role") as Role | null;
    if (user !== null) await this.#ensurePlayer(user);

    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({
      u: user,
      r: user === null ? null : role,
      c: Date.now(),
    } satisfies Attachment);
    this.#ensureSweep();
    this.#rain.socketsChanged(1);
    const headers = new Headers();
    if (request.headers.get("X-Liveroom-Protocol") === "liveroom")
      headers.set("Sec-WebSocket-Protocol", "liveroom");
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** Operator controls over RPC (the HTTP API); host frames take the same path. */
  async control(activityId: string, op: ControlOp): Promise<ControlResult> {
    try {
      if (!(await this.#ensureActivity(activityId)))
        return controlRefused("ACTIVITY_NOT_FOUND", "no such activity");
      const result = this.#operate(op);
      this.#settlement.kickDrain();
      if (!result.ok) return controlRefused(result.code, result.message);
      await this.#recordStatus(op);
      return { ok: true, stats: this.#stats() };
    } catch (err) {
      console.error("liveroom control failed", { activityId, op: op.kind, err: String(err) });
      return controlRefused("INTERNAL", "internal error");
    }
  }

  /** Host moderation over RPC (the HTTP API); host frames take the same path. */
  async moderate(
    activityId: string,
    hostId: string,
    op: ModerationOp,
  ): Promise<ModerationResult | { ok: false; code: "ACTIVITY_NOT_FOUND"; message: string }> {
    if (!(await this.#ensureActivity(activityId))) {
      return { ok: false, code: "ACTIVITY_NOT_FOUND", message: "no such activity" };
    }
    return this.#social.moderate(hostId, op);
  }

  override async webSocketMessage(ws: WebSocket, message: ArrayBuffer | string): Promise<void> {
    const decoded = decodeClientFrame(message);
    if (decoded.kind === "heartbeat") {
      ws.send(HEARTBEAT_TEXT);
      return;
    }
    if (decoded.kind === "error") {
      sendQuietly(ws, failure(decoded.type, decoded.seq, decoded.code, decoded.message));
      return;
    }
    const req = decoded.request;
    try {
      await this.#handle(ws, req);
    } catch (err) {
      // A bug: log it with the room's context and answer; never let it escape the handler.
      console.error("liveroom frame failed", { type: req.type, seq: req.seq, err: String(err) });
      sendQuietly(ws, failure(req.type, req.seq, "INTERNAL", "internal error"));
    }
    // An answer writes an outbox row only with a revival card, and then kicks the drain itself.
    if (req.type !== T.ANSWER) this.#settlement.kickDrain();
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeQuietly(ws, code);
    this.#rain.socketsChanged(-1);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011);
    this.#rain.socketsChanged(-1);
  }

  override async alarm(): Promise<void> {
    const { due } = planAlarm(this.#store.scheduled(), Date.now());
    for (const name of due) {
      this.#store.unschedule(name);
      if (name.startsWith("close:")) this.#closeWindow();
      else if (this.#rain.owns(name)) this.#rain.onAlarm(name);
      else if (name === "sweep") this.#sweep();
      else if (this.#settlement.owns(name)) await this.#settlement.onAlarm();
      else if (this.#social.owns(name)) await this.#social.onAlarm(name);
    }
    this.#armAlarm();
  }

  // ---- settlement ----

  /**
   * What this room says it paid, for reconciliation (RPC): its outbox rows in key order, a page at a
   * time (pass back `nextAfterKey`).
   */
  async settlementRecord(
    afterKey: string | null = null,
    limit = RECORD_PAGE_LIMIT,
  ): Promise<RoomSettlementPage> {
    return this.#settlement.record(afterKey, limit);
  }

  /** Reconciliation's repair (RPC): marks these outbox rows unsent and drains them now. Never invents a row. */
  async resend(keys: string[]): Promise<{ resent: string[]; unknown: string[] }> {
    return this.#settlement.resend(keys);
  }

  // ---- frames ----

  async #handle(ws: WebSocket, req: ClientRequest): Promise<void> {
    const att = ws.deserializeAttachment() as Attachment;
    if (req.type === T.AUTH) return this.#auth(ws, att, req.seq, req.token);
    if (att.u === null) {
      sendQuietly(
        ws,
        failure(req.type, req.seq, "NOT_AUTHENTICATED", "send an AUTH frame with a token first"),
      );
      return;
    }
    const userId = att.u;
    switch (req.type) {
      case T.RESUME:
        return this.#resume(ws, req.seq, req.afterSeq);
      case T.ANSWER:
        return this.#answer(ws, userId, req);
      case T.GRAB:
        return this.#rain.grab(ws, userId, req);
      case T.OPEN:
      case T.PUSH_QUESTION:
      case T.REVEAL:
      case T.END:
      case T.START_RAIN:
      case T.STATS: {
        if (att.r === null || !canOperate(att.r)) {
          sendQuietly(
            ws,
            failure(req.type, req.seq, "FORBIDDEN", "host operations need a host or admin token"),
          );
          return;
        }
        const op = controlOpOf(req);
        const result = this.#operate(op);
        if (result.ok) await this.#recordStatus(op);
        sendQuietly(
          ws,
          result.ok
            ? success(req.type, req.seq, { stats: statsMessage(this.#stats()) })
            : failure(req.type, req.seq, result.code, result.message),
        );
        return;
      }
      case T.DANMAKU:
      case T.LIKE:
      case T.GIFT:
      case T.GIFTERS:
      case T.DELETE_DANMAKU:
      case T.MUTE:
        if (isSocialRequest(req)) return this.#social.handle(ws, userId, att.r, req);
        return;
      default:
        return assertNever(req);
    }
  }

  async #auth(ws: WebSocket, att: Attachment, seq: number, token: string): Promise<void> {
    const check = await verifyToken(token, this.env.JWT_SECRET);
    if (!check.ok) {
      sendQuietly(ws, failure(T.AUTH, seq, "TOKEN_INVALID", `token ${check.reason}`));
      return;
    }
    const { sub, role } = check.claims;
    if (att.u !== null && att.u !== sub) {
      sendQuietly(ws, failure(T.AUTH, seq, "ALREADY_AUTHENTICATED", "this socket belongs to another user"));
      return;
    }
    await this.#ensurePlayer(sub);
    if (att.u === null || att.r !== role)
      ws.serializeAttachment({ ...att, u: sub, r: role } satisfies Attachment);
    sendQuietly(ws, success(T.AUTH, seq, { welcome: await this.#welcome(sub, role) }));
  }

  #resume(ws: WebSocket, seq: number, afterSeq: number): void {
    const { oldest, frames } = this.#store.notificationsAfter(afterSeq);
    const gap = afterSeq + 1 < oldest;
    sendQuietly(ws, success(T.RESUME, seq, { resumed: { fromSeq: afterSeq + 1, toSeq: this.#seq, gap } }));
    for (const frame of frames) sendQuietly(ws, frame);
  }

  async #answer(
    ws: WebSocket,
    userId: string,
    req: ClientRequest & { type: typeof T.ANSWER },
  ): Promise<void> {
    const now = Date.now();
    // One read for the player and their earlier answer; a player with no row yet is created first.
    let read = this.#store.playerAndAnswer(req.question, userId);
    if (read === null) {
      await this.#ensurePlayer(userId);
      read = this.#store.playerAndAnswer(req.question, userId)!;
    }
    // Everything from here to the write is synchronous: no other frame can interleave.
    const decision = judgeAnswer({
      room: this.#room,
      player: read.player,
      alreadyAnswered: read.answered,
      question: req.question,
      option: req.option,
      nowMs: now,
      graceMs: this.#graceMs,
    });
    if (decision.kind === "rejected") {
      sendQuietly(ws, failure(req.type, req.seq, decision.code, `answer rejected: ${decision.code}`));
      return;
    }
    this.ctx.storage.transactionSync(() => {
      this.#store.putPlayer(decision.player);
      this.#store.recordAnswer(req.question, userId, req.option, decision.outcome, now);
      if (decision.usedRevival) this.#recordRevival(userId, req.question, now);
    });
    // Armed in the same write as the revival's outbox row, before the await below.
    if (decision.usedRevival) this.#settlement.kickDrain();
    const sealed = await sealOutcome(decision.outcome, this.#questionKey(this.#room.current!.keyB64), userId);
    sendQuietly(ws, success(req.type, req.seq, { answer: { question: req.question, sealed } }));
  }

  // ---- operator ----

  #operate(op: ControlOp): OpResult {
    const now = Date.now();
    switch (op.kind) {
      case "open": {
        const d = decideOpen(this.#room);
        if (d.kind === "rejected") return { ok: false, code: d.code, message: d.message };
        this.#commitRoom(d.room);
        const activity = d.room.activity!;
        this.#broadcast(T.ROOM_OPENED, {
          roomOpened: { title: activity.title, questionCount: activity.questions.length },
        });
        return { ok: true };
      }
      case "push": {
        const keyB64 = toBase64(crypto.getRandomValues(new Uint8Array(16)));
        const d = decidePush(this.#room, {
          question: op.question,
          nowMs: now,
          streamTsMs: op.streamTsMs,
          keyB64,
        });
        if (d.kind === "rejected") return { ok: false, code: d.code, message: d.message };
        const current = d.room.current!;
        this.ctx.storage.transactionSync(() => {
          this.#commitRoom(d.room);
          this.#store.schedule(`close:${current.index}`, current.deadlineMs + this.#graceMs);
        });
        this.#armAlarm();
        this.#broadcast(T.QUESTION, { question: questionPushed(d.room.activity!, current) });
        return { ok: true };
      }
      case "reveal": {
        this.#closeWindow();
        const current = this.#room.current;
        const options = current === null ? 0 : this.#room.activity!.questions[current.index]!.options.length;
        const counts = current === null ? [] : this.#store.counts(current.index, options);
        const d = decideReveal(this.#room, { question: op.question, counts, streamTsMs: op.streamTsMs });
        if (d.kind === "rejected") return { ok: false, code: d.code, message: d.message };
        this.#commitRoom(d.room);
        this.#broadcast(T.ANSWER_REVEALED, { reveal: answerRevealed(d.reveal) });
        return { ok: true };
      }
      case "end": {
        const last = (this.#room.activity?.questions.length ?? 0) - 1;
        const d = decideEnd(this.#room, this.#store.survivors(last));
        if (d.kind === "rejected") return { ok: false, code: d.code, message: d.message };
        const activityId = d.room.activity!.id;
        this.ctx.storage.transactionSync(() => {
          for (const share of d.split.shares) {
            this.#store.setWinner(share.userId, share.cents);
            const prize = prizeEvent({ activityId, userId: share.userId, amountCents: share.cents });
            this.#store.addOutbox(prize.key, prize.body, now);
          }
          this.#commitRoom(d.room);
        });
        this.#broadcast(T.GAME_OVER, { gameOver: gameOver(d.room.gameOver!) });
        this.#sendPrizes(new Map(d.split.shares.map((s) => [s.userId, s.cents])));
        return { ok: true };
      }
      case "startRain":
        return this.#rain.start(op.rain, op.streamTsMs, now);
      case "stats":
        return { ok: true };
      default:
        return assertNever(op);
    }
  }

  /** Closes the current answer window (idempotent) and settles everyone who did not answer. */
  #closeWindow(): void {
    const d = decideClose(this.#room);
    if (d.kind === "none") return;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (const player of this.#store.missedAnswer(d.question)) {
        const settled = settleMissed(player, d.question);
        this.#store.putPlayer(settled.player);
        if (settled.usedRevival) this.#recordRevival(player.userId, d.question, now);
      }
      this.#store.unschedule(`close:${d.question}`);
      this.#commitRoom(d.room);
    });
  }

  #recordRevival(userId: string, question: number, now: number): void {
    const activityId = this.#room.activity!.id;
    const revival = revivalCardEvent({ activityId, userId, question, count: 1 });
    this.#store.addOutbox(revival.key, revival.body, now);
  }

  // ---- notifications ----

  /** Numbers, stores and sends one notification: encoded once, the same bytes to every socket. */
  #broadcast(type: number, event: Omit<liveroom.Notification.$Properties, "roomSeq">): void {
    const seq = this.#seq + 1;
    const bytes = liveroom.Frame.encode({ type, notification: { roomSeq: seq, ...event } }).finish();
    this.#store.appendNotification(seq, bytes);
    this.#seq = seq;
    this.#social.recordBroadcast(type, event, Date.now());
    for (const ws of this.ctx.getWebSockets()) sendQuietly(ws, bytes);
  }

  /** Personal, unnumbered notifications: each winner's prize, to their own sockets. */
  #sendPrizes(prizes: Map<string, number>): void {
    for (const ws of this.ctx.getWebSockets()) {
      const att = ws.deserializeAttachment() as Attachment | null;
      const cents = att?.u == null ? undefined : prizes.get(att.u);
      if (cents === undefined) continue;
      sendQuietly(
        ws,
        liveroom.Frame.encode({ type: T.PRIZE, notification: { roomSeq: 0, prize: { cents } } }).finish(),
      );
    }
  }

  // ---- state ----

  async #ensureActivity(activityId: string): Promise<boolean> {
    if (this.#room.activity !== null) return this.#room.activity.id === activityId;
    if (activityId === "") return false;
    const activity = await loadActivityConfig(this.env.DB, activityId);
    if (activity === null) return false;
    // Another event may have loaded it while we awaited D1.
    if (this.#room.activity === null) this.#commitRoom({ ...this.#room, activity });
    return this.#room.activity!.id === activityId;
  }

  async #ensurePlayer(userId: string) {
    const existing = this.#store.getPlayer(userId);
    if (existing !== null) return existing;
    const cards = await this.#cards.get(userId);
    return this.#store.ensurePlayer(userId, cards);
  }

  /** Mirrors the room's lifecycle into D1, where the activity list and the home page read it. */
  async #recordStatus(op: ControlOp): Promise<void> {
    const activityId = this.#room.activity?.id;
    if (activityId === undefined) return;
    if (op.kind === "open") await setActivityStatus(this.env.DB, activityId, "live");
    if (op.kind === "end") await setActivityStatus(this.env.DB, activityId, "ended");
  }

  #commitRoom(room: RoomState): void {
    this.#room = room;
    this.#store.saveRoom(room);
  }

  async #welcome(userId: string, role: Role): Promise<liveroom.Welcome.$Properties> {
    const room = this.#room;
    const current = room.current;
    const outcome = current === null ? null : this.#store.answerOutcome(current.index, userId);
    const player = visiblePlayer(room, this.#store.getPlayer(userId)!, outcome);
    const sealed =
      current === null || outcome === null
        ? undefined
        : await sealOutcome(outcome, this.#questionKey(current.keyB64), userId);
    return welcomeView({
      userId,
      role,
      room,
      roomSeq: this.#seq,
      nowMs: Date.now(),
      online: this.ctx.getWebSockets().length,
      player,
      sealed,
      prizeCents: this.#store.prizeCents(userId),
      grabbed: this.#rain.grabbed(userId),
      rain: this.#rain.snapshot(),
      likes: this.#social.likesTotal(),
    });
  }

  /** The question key's bytes, decoded again only when the question (and so its key) changes. */
  #questionKey(b64: string): Uint8Array {
    if (this.#key?.b64 !== b64) this.#key = { b64, bytes: fromBase64(b64) };
    return this.#key.bytes;
  }

  #stats(): RoomStatsView {
    return statsView({
      room: this.#room,
      roomSeq: this.#seq,
      online: this.ctx.getWebSockets().length,
      players: this.#store.playerCounts(),
      counts: (question, options) => this.#store.counts(question, options),
      rain: this.#rain.stats(),
      social: this.#social.stats(),
    });
  }

  // ---- time ----

  #armAlarm(): void {
    const nextMs = nextAlarmMs(this.#store.scheduled());
    if (nextMs === null) void this.ctx.storage.deleteAlarm();
    else void this.ctx.storage.setAlarm(nextMs);
    this.#alarmAtMs = nextMs;
  }

  /** Arms the alarm unless this instance already armed it to fire by `atMs`. */
  #armBy(atMs: number): void {
    if (this.#alarmAtMs === null || this.#alarmAtMs > atMs) this.#armAlarm();
  }

  #ensureSweep(): void {
    if (this.#store.scheduled().some((t) => t.name === "sweep")) return;
    this.#store.schedule("sweep", Date.now() + SWEEP_EVERY_MS);
    this.#armAlarm();
  }

  /** Drops sockets that stopped heartbeating (a phone that lost its network never sends a close). */
  #sweep(): void {
    const now = Date.now();
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) {
      const att = ws.deserializeAttachment() as Attachment | null;
      const lastBeat = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      if (isSilent(att, lastBeat, now)) closeQuietly(ws, 4000, "heartbeat timeout");
    }
    if (this.ctx.getWebSockets().length > 0) this.#store.schedule("sweep", now + SWEEP_EVERY_MS);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`);
}
