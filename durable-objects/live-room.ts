// The LiveRoom Durable Object: a thin adapter. It moves frames, storage and time in and out of
// the pure rules in ./quiz and ./protocol; it decides nothing itself.
import { DurableObject } from "cloudflare:workers";
import { sealOutcome } from "../client/seal";
import { liveroom } from "../schema/proto";
import { canOperate, type Role, verifyToken } from "../workers/auth/token";
import { loadActivityConfig, setActivityStatus } from "../workers/db/activities";
import { loadRevivalCardsOf } from "../workers/db/users";
import type { Env } from "../workers/index";
import { BatchLoader } from "./batch-loader";
import type { ControlOp, ControlResult, RoomStatsView } from "./control";
import { type ClientRequest, decodeClientFrame, HEARTBEAT_TEXT } from "./protocol/decode";
import {
  answerRevealed,
  failure,
  fromBase64,
  gameOver,
  PHASE,
  PLAYER_STATUS,
  questionPushed,
  success,
  toBase64,
} from "./protocol/encode";
import { judgeAnswer, settleMissed } from "./quiz/answer";
import { decideClose, decideEnd, decideOpen, decidePush, decideReveal } from "./quiz/operator";
import { visiblePlayer } from "./quiz/visible";
import type { RoomState } from "./quiz/state";
import { decideGrab, type GrabRejectCode, grantKey } from "./rain/grab";
import { replayId } from "./rain/grab-id";
import { createRateWindow, ratePerSec, recordEvents } from "./rain/rate-window";
import {
  applyGrant,
  bucketLimits,
  countTap,
  decideRainStart,
  endRecord,
  type RainRecord,
  refusalCode,
  throttleUpdate,
} from "./rain/record";
import { isRainActive, packetsLeft } from "./rain/run";
import { createBucket, type TokenBucket } from "./rain/token-bucket";
import { RainStore } from "./rain-store";
import { drainOutbox, planNextDrain } from "./outbox-drain";
import { DRAIN_SCHEDULE, OutboxStore } from "./outbox-store";
import { RoomStore } from "./room-store";
import { isSocialRequest, type ModerationOp, type ModerationResult, SocialRoom } from "./social-room";
import { nextAlarmMs, planAlarm } from "./schedule";
import { RECORD_PAGE_LIMIT, type RoomSettlementPage, toEntry } from "./settlement-record";

const T = liveroom.Type;
type CodeName = keyof typeof liveroom.Code;

/** What a socket carries across hibernation (≤ 2,048 bytes): who it is and when it connected. */
interface Attachment {
  u: string | null;
  r: Role | null;
  c: number;
}

/** A socket silent (no heartbeat) for this long is dropped by the sweep. */
const DEAD_AFTER_MS = 60_000;
const WS_OPEN = 1;
const SWEEP_EVERY_MS = 60_000;

type OpResult = { ok: true } | { ok: false; code: CodeName; message: string };

export class LiveRoom extends DurableObject<Env> {
  readonly #store: RoomStore;
  #room: RoomState;
  #seq: number;
  readonly #graceMs: number;
  readonly #outbox: OutboxStore;
  /** When this instance last armed the alarm (null: unknown, e.g. after a wake). */
  #alarmAtMs: number | null = null;
  readonly #rains: RainStore;
  /** The current or last rain; its stored row is rewritten on every grant, throttle change and end. */
  #rain: RainRecord | null;
  // In memory only: after an eviction the bucket starts full again, which lets at most one extra
  // burst reach the pool; the pool, the caps and the grants are in storage, so no money moves twice.
  #bucket: TokenBucket | null = null;
  #tapWindow = createRateWindow(5);
  // Connects arriving together share one D1 query for their revival cards (bench: connect storm).
  readonly #cards = new BatchLoader((ids) => loadRevivalCardsOf(this.env.DB, ids), 0);
  // Open sockets, counted once after a wake and then kept up to date, for the throttle factor.
  #online: number | null = null;
  /** Danmaku, likes, gifts, moderation and the replay archive (docs/live-room.md). */
  readonly #social: SocialRoom;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new RoomStore(ctx.storage.sql);
    ({ room: this.#room, seq: this.#seq } = this.#store.loadRoom());
    this.#rains = new RainStore(ctx.storage.sql);
    this.#rain = this.#rains.current();
    this.#graceMs = Number(env.ANSWER_GRACE_MS ?? "500");
    this.#outbox = new OutboxStore(ctx.storage.sql);
    this.#social = new SocialRoom({
      sql: ctx.storage.sql,
      transaction: (fn) => ctx.storage.transactionSync(fn),
      db: env.DB,
      vars: env as unknown as Record<string, unknown>,
      activityId: () => this.#room.activity?.id ?? null,
      phase: () => this.#room.phase,
      broadcast: (type, event) => this.#broadcast(type, event),
      sendAll: (bytes) => {
        for (const ws of this.ctx.getWebSockets()) this.#send(ws, bytes);
      },
      send: (ws, bytes) => this.#send(ws, bytes),
      schedule: (name, atMs) => {
        this.#store.schedule(name, atMs);
        if (this.#alarmAtMs === null || this.#alarmAtMs > atMs) this.#armAlarm();
      },
    });
    // Rows committed just before an eviction, with their alarm not yet set, drain on this wake.
    this.#kickDrain();
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
    this.#socketsChanged(1);
    const headers = new Headers();
    if (request.headers.get("X-Liveroom-Protocol") === "liveroom")
      headers.set("Sec-WebSocket-Protocol", "liveroom");
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** Operator controls over RPC (the HTTP API); host frames take the same path. */
  async control(activityId: string, op: ControlOp): Promise<ControlResult> {
    try {
      if (!(await this.#ensureActivity(activityId))) {
        return {
          ok: false,
          code: liveroom.Code.ACTIVITY_NOT_FOUND,
          codeName: "ACTIVITY_NOT_FOUND",
          message: "no such activity",
        };
      }
      const result = this.#operate(op);
      this.#kickDrain();
      if (!result.ok)
        return {
          ok: false,
          code: liveroom.Code[result.code],
          codeName: result.code,
          message: result.message,
        };
      await this.#recordStatus(op);
      return { ok: true, stats: this.#stats() };
    } catch (err) {
      console.error("liveroom control failed", { activityId, op: op.kind, err: String(err) });
      return { ok: false, code: liveroom.Code.INTERNAL, codeName: "INTERNAL", message: "internal error" };
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
      this.#send(ws, failure(decoded.type, decoded.seq, decoded.code, decoded.message));
      return;
    }
    const req = decoded.request;
    try {
      await this.#handle(ws, req);
    } catch (err) {
      // A bug: log it with the room's context and answer; never let it escape the handler.
      console.error("liveroom frame failed", { type: req.type, seq: req.seq, err: String(err) });
      this.#send(ws, failure(req.type, req.seq, "INTERNAL", "internal error"));
    }
    this.#kickDrain();
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeQuietly(ws, code);
    this.#socketsChanged(-1);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011);
    this.#socketsChanged(-1);
  }

  override async alarm(): Promise<void> {
    const { due } = planAlarm(this.#store.scheduled(), Date.now());
    for (const name of due) {
      this.#store.unschedule(name);
      if (name.startsWith("close:")) this.#closeWindow();
      else if (name.startsWith("rainEnd:")) this.#endRainOnTime(Number(name.slice("rainEnd:".length)));
      else if (name === "sweep") this.#sweep();
      else if (name === DRAIN_SCHEDULE) await this.#drain();
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
    const n = Math.max(1, Math.min(Math.floor(limit), RECORD_PAGE_LIMIT));
    const entries = this.#outbox.page(afterKey, n).map(toEntry);
    return {
      activityId: this.#room.activity?.id ?? null,
      entries,
      nextAfterKey: entries.length === n ? entries[n - 1]!.key : null,
    };
  }

  /** Reconciliation's repair (RPC): marks these outbox rows unsent and drains them now. Never invents a row. */
  async resend(keys: string[]): Promise<{ resent: string[]; unknown: string[] }> {
    const result = this.ctx.storage.transactionSync(() => {
      const r = this.#outbox.resend(keys);
      if (r.resent.length > 0) this.#store.schedule(DRAIN_SCHEDULE, Date.now());
      return r;
    });
    this.#armAlarm();
    return result;
  }

  /** The `drain` alarm: sends unsent outbox rows to the settlement Queue; on failure, retries with backoff. */
  async #drain(): Promise<void> {
    const result = await drainOutbox(
      {
        unsent: (limit) => this.#outbox.unsent(limit),
        send: (messages) =>
          this.env.SETTLEMENT.sendBatch(
            messages.map((m) => ({ body: JSON.parse(m.body) as unknown, contentType: "json" as const })),
          ),
        markSent: (keys, atMs) => this.ctx.storage.transactionSync(() => this.#outbox.markSent(keys, atMs)),
      },
      Date.now,
    );
    const next = planNextDrain(result, this.#outbox.failures(), Date.now());
    this.ctx.storage.transactionSync(() => {
      this.#outbox.setFailures(next.failures);
      if (next.atMs !== null) this.#store.schedule(DRAIN_SCHEDULE, next.atMs);
    });
    if (result.kind === "failed") {
      console.error("liveroom outbox drain failed", {
        activityId: this.#room.activity?.id,
        failures: next.failures,
        retryAtMs: next.atMs,
        err: result.error,
      });
    }
  }

  /** Arms the alarm for a drain an outbox write scheduled (RoomStore.addOutbox), unless already armed for it. */
  #kickDrain(): void {
    const at = this.#outbox.drainAtMs();
    if (at !== null && (this.#alarmAtMs === null || this.#alarmAtMs > at)) this.#armAlarm();
  }

  // ---- frames ----

  async #handle(ws: WebSocket, req: ClientRequest): Promise<void> {
    const att = ws.deserializeAttachment() as Attachment;
    if (req.type === T.AUTH) return this.#auth(ws, att, req.seq, req.token);
    if (att.u === null) {
      this.#send(
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
        return this.#grab(ws, userId, req);
      case T.OPEN:
      case T.PUSH_QUESTION:
      case T.REVEAL:
      case T.END:
      case T.START_RAIN:
      case T.STATS: {
        if (att.r === null || !canOperate(att.r)) {
          this.#send(
            ws,
            failure(req.type, req.seq, "FORBIDDEN", "host operations need a host or admin token"),
          );
          return;
        }
        const op = toControlOp(req);
        const result = this.#operate(op);
        if (result.ok) await this.#recordStatus(op);
        this.#send(
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
      this.#send(ws, failure(T.AUTH, seq, "TOKEN_INVALID", `token ${check.reason}`));
      return;
    }
    const { sub, role } = check.claims;
    if (att.u !== null && att.u !== sub) {
      this.#send(ws, failure(T.AUTH, seq, "ALREADY_AUTHENTICATED", "this socket belongs to another user"));
      return;
    }
    await this.#ensurePlayer(sub);
    if (att.u === null || att.r !== role)
      ws.serializeAttachment({ ...att, u: sub, r: role } satisfies Attachment);
    this.#send(ws, success(T.AUTH, seq, { welcome: await this.#welcome(sub, role) }));
  }

  #resume(ws: WebSocket, seq: number, afterSeq: number): void {
    const { oldest, frames } = this.#store.notificationsAfter(afterSeq);
    const gap = afterSeq + 1 < oldest;
    this.#send(ws, success(T.RESUME, seq, { resumed: { fromSeq: afterSeq + 1, toSeq: this.#seq, gap } }));
    for (const frame of frames) this.#send(ws, frame);
  }

  async #answer(
    ws: WebSocket,
    userId: string,
    req: ClientRequest & { type: typeof T.ANSWER },
  ): Promise<void> {
    const now = Date.now();
    const player = this.#store.getPlayer(userId) ?? (await this.#ensurePlayer(userId));
    // Everything from here to the write is synchronous: no other frame can interleave.
    const decision = judgeAnswer({
      room: this.#room,
      player,
      alreadyAnswered: this.#store.answerOutcome(req.question, userId) !== null,
      question: req.question,
      option: req.option,
      nowMs: now,
      graceMs: this.#graceMs,
    });
    if (decision.kind === "rejected") {
      this.#send(ws, failure(req.type, req.seq, decision.code, `answer rejected: ${decision.code}`));
      return;
    }
    this.ctx.storage.transactionSync(() => {
      this.#store.putPlayer(decision.player);
      this.#store.recordAnswer(req.question, userId, req.option, decision.outcome, now);
      if (decision.usedRevival) this.#recordRevival(userId, req.question, now);
    });
    // Armed in the same write as the revival's outbox row, before the await below.
    this.#kickDrain();
    const key = fromBase64(this.#room.current!.keyB64);
    const sealed = await sealOutcome(decision.outcome, key, userId);
    this.#send(ws, success(req.type, req.seq, { answer: { question: req.question, sealed } }));
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
            this.#store.addOutbox(
              `prize:${activityId}:${share.userId}`,
              { kind: "prize", activityId, userId: share.userId, amountCents: share.cents },
              now,
            );
          }
          this.#commitRoom(d.room);
        });
        this.#broadcast(T.GAME_OVER, { gameOver: gameOver(d.room.gameOver!) });
        this.#sendPrizes(new Map(d.split.shares.map((s) => [s.userId, s.cents])));
        return { ok: true };
      }
      case "startRain":
        return this.#startRain(op.rain, op.streamTsMs, now);
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
    this.#store.addOutbox(
      `revival:${activityId}:${userId}`,
      { kind: "revival_card", activityId, userId, question, count: 1 },
      now,
    );
  }

  // ---- red packets ----

  #grab(ws: WebSocket, userId: string, req: ClientRequest & { type: typeof T.GRAB }): void {
    const now = Date.now();
    const activity = this.#room.activity!;
    this.#tapWindow = recordEvents(this.#tapWindow, now);
    const replay = replayId(req.grabId, req.seq);
    // Everything from here to the write is synchronous: no other frame can interleave.
    const record = this.#rain;
    const prior = this.#rains.grantFor(userId, req.rain, replay);
    if (prior !== null) {
      if (record !== null) this.#rain = countTap(record);
      const { rain, amountCents, grabbed } = prior;
      this.#send(ws, success(req.type, req.seq, { grab: { rain, amountCents, grabbed } }));
      return;
    }
    const config = record === null ? undefined : activity.rains[record.run.rain];
    this.#bucket ??= createBucket(bucketLimits(config ?? { targetTapsPerSec: 1 }), now);
    const decision = decideGrab({
      rain: req.rain,
      nowMs: now,
      run: record?.run ?? null,
      packets: config?.packets ?? [],
      player: { grabbed: this.#rains.grabbed(userId) },
      cap: activity.grabCap,
      bucket: this.#bucket,
    });
    if (decision.kind === "rejected") {
      const code = refusalCode(decision.code, record, req.rain);
      if (record !== null) this.#rain = countTap(record, code);
      this.#send(ws, failure(req.type, req.seq, code, GRAB_MESSAGE[code]));
      return;
    }
    const { rain, packetIndex, amountCents } = decision;
    const { record: next, emptied } = applyGrant(countTap(record!), decision);
    this.ctx.storage.transactionSync(() => {
      this.#rains.saveRecord(next);
      this.#rains.addGrant({
        rain,
        packetIndex,
        userId,
        replayId: replay,
        amountCents,
        grabbed: decision.player.grabbed,
        atMs: now,
      });
      this.#store.addOutbox(
        grantKey(activity.id, rain, packetIndex),
        { kind: "red_packet", activityId: activity.id, userId, rain, packetIndex, amountCents },
        now,
      );
      if (emptied) this.#store.unschedule(`rainEnd:${rain}`);
    });
    this.#rain = next;
    this.#bucket = decision.bucket;
    // The output gate holds this answer until the transaction above is durable.
    this.#send(
      ws,
      success(req.type, req.seq, { grab: { rain, amountCents, grabbed: decision.player.grabbed } }),
    );
    if (emptied) {
      this.#armAlarm();
      this.#announceRainEnd(next);
    } else {
      this.#maybeThrottle(now);
    }
  }

  #startRain(rain: number, streamTsMs: number, now: number): OpResult {
    const activity = this.#room.activity!;
    const d = decideRainStart({
      phase: this.#room.phase,
      rain,
      rains: activity.rains,
      started: this.#rains.started(),
      current: this.#rain,
      nowMs: now,
      streamTsMs,
      online: this.#onlineCount(),
    });
    if (d.kind === "rejected") return { ok: false, code: d.code, message: d.message };
    const { record, ended } = d;
    this.ctx.storage.transactionSync(() => {
      if (ended !== null) {
        this.#rains.saveRecord(ended);
        this.#store.unschedule(`rainEnd:${ended.run.rain}`);
      }
      this.#rains.saveRecord(record);
      this.#store.schedule(`rainEnd:${rain}`, record.run.endsAtMs);
    });
    this.#rain = record;
    this.#bucket = null;
    this.#armAlarm();
    if (ended !== null) this.#announceRainEnd(ended);
    this.#broadcast(T.RAIN_STARTED, { rainStarted: this.#rainStarted(record) });
    return { ok: true };
  }

  /** The `rainEnd:<r>` alarm: ends rain r if it still runs (alarms fire at least once). */
  #endRainOnTime(rain: number): void {
    const record = this.#rain?.run.rain === rain ? this.#rain : this.#rains.record(rain);
    if (record === null || record.run.phase === "ended") return;
    const ended = endRecord(record);
    this.#rains.saveRecord(ended);
    if (this.#rain?.run.rain === rain) this.#rain = ended;
    this.#announceRainEnd(ended);
  }

  #announceRainEnd(record: RainRecord): void {
    this.#broadcast(T.RAIN_ENDED, {
      rainEnded: {
        rain: record.run.rain,
        packetsLeft: packetsLeft(record.run),
        grantedCents: record.grantedCents,
      },
    });
  }

  /** Sends a THROTTLE when the factor for the online count and packets left moved enough. */
  #maybeThrottle(now: number): void {
    const record = this.#rain;
    const config = record === null ? undefined : this.#room.activity?.rains[record.run.rain];
    if (record === null || config === undefined) return;
    const update = throttleUpdate(record, {
      online: this.#onlineCount(),
      targetTapsPerSec: config.targetTapsPerSec,
      nowMs: now,
    });
    if (update === null) return;
    this.#rain = update.record;
    this.#rains.saveRecord(update.record);
    this.#broadcast(T.THROTTLE, {
      throttle: { rain: record.run.rain, throttlePpm: update.ppm, packetsLeft: packetsLeft(record.run) },
    });
  }

  /** A socket opened (+1) or closed (-1): keep the online count and, during a rain, the throttle. */
  #socketsChanged(delta: 1 | -1): void {
    try {
      // A closing socket may still be listed by getWebSockets(): recount from scratch after a close.
      this.#online = delta === 1 && this.#online !== null ? this.#online + 1 : null;
      const now = Date.now();
      if (this.#rain !== null && isRainActive(this.#rain.run, now)) this.#maybeThrottle(now);
    } catch (err) {
      console.error("liveroom throttle update failed", { err: String(err) });
    }
  }

  #onlineCount(): number {
    this.#online ??= this.ctx.getWebSockets().filter((ws) => ws.readyState === WS_OPEN).length;
    return this.#online;
  }

  /** RAIN_STARTED for a record: at the start, and in the snapshot of anyone who joins mid-rain. */
  #rainStarted(record: RainRecord): liveroom.RainStarted.$Properties {
    const activity = this.#room.activity!;
    return {
      rain: record.run.rain,
      packets: activity.rains[record.run.rain]?.packets.length ?? 0,
      packetsLeft: packetsLeft(record.run),
      endsAtMs: record.run.endsAtMs,
      throttlePpm: record.throttlePpm,
      cap: activity.grabCap,
      streamTsMs: record.streamTsMs,
    };
  }

  // ---- notifications ----

  /** Numbers, stores and sends one notification: encoded once, the same bytes to every socket. */
  #broadcast(type: number, event: Omit<liveroom.Notification.$Properties, "roomSeq">): void {
    const seq = this.#seq + 1;
    const bytes = liveroom.Frame.encode({ type, notification: { roomSeq: seq, ...event } }).finish();
    this.#store.appendNotification(seq, bytes);
    this.#seq = seq;
    this.#social.recordBroadcast(type, event, Date.now());
    for (const ws of this.ctx.getWebSockets()) this.#send(ws, bytes);
  }

  /** Personal, unnumbered notifications: each winner's prize, to their own sockets. */
  #sendPrizes(prizes: Map<string, number>): void {
    for (const ws of this.ctx.getWebSockets()) {
      const att = ws.deserializeAttachment() as Attachment | null;
      const cents = att?.u == null ? undefined : prizes.get(att.u);
      if (cents === undefined) continue;
      this.#send(
        ws,
        liveroom.Frame.encode({ type: T.PRIZE, notification: { roomSeq: 0, prize: { cents } } }).finish(),
      );
    }
  }

  #send(ws: WebSocket, bytes: Uint8Array | string): void {
    try {
      ws.send(bytes);
    } catch {
      // The socket is closing; its close handler cleans up.
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
    const activity = room.activity!;
    const current = room.current;
    const outcome = current === null ? null : this.#store.answerOutcome(current.index, userId);
    const player = visiblePlayer(room, this.#store.getPlayer(userId)!, outcome);
    const sealed =
      current === null || outcome === null
        ? undefined
        : await sealOutcome(outcome, fromBase64(current.keyB64), userId);
    return {
      userId,
      role:
        role === "admin" ? liveroom.Role.ADMIN : role === "host" ? liveroom.Role.HOST : liveroom.Role.VIEWER,
      roomSeq: this.#seq,
      serverTimeMs: Date.now(),
      room: {
        activityId: activity.id,
        title: activity.title,
        phase: PHASE[room.phase],
        questionCount: activity.questions.length,
        current: current === null ? null : questionPushed(activity, current),
        lastReveal: room.reveal === null ? null : answerRevealed(room.reveal),
        prizePoolCents: activity.prizePoolCents,
        streamUrl: activity.streamUrl,
        online: this.ctx.getWebSockets().length,
        gameOver: room.gameOver === null ? null : gameOver(room.gameOver),
        rain:
          this.#rain !== null && isRainActive(this.#rain.run, Date.now())
            ? this.#rainStarted(this.#rain)
            : null,
        likes: this.#social.likesTotal(),
      },
      player: {
        status: PLAYER_STATUS[player.status],
        revivalCards: player.revivalCards,
        revivalUsed: player.revivalUsed,
        passed: player.passed,
        sealed: sealed ?? new Uint8Array(),
        prizeCents: this.#store.prizeCents(userId),
        grabbed: this.#rains.grabbed(userId),
      },
    };
  }

  #stats(): RoomStatsView {
    const now = Date.now();
    const rain = this.#rain;
    const current = this.#room.current;
    const options = current === null ? 0 : this.#room.activity!.questions[current.index]!.options.length;
    return {
      phase: this.#room.phase,
      online: this.ctx.getWebSockets().length,
      ...this.#store.playerCounts(),
      currentQuestion: current?.index ?? -1,
      counts: current === null ? [] : this.#store.counts(current.index, options),
      roomSeq: this.#seq,
      packetsLeft: rain === null ? 0 : packetsLeft(rain.run),
      grantedCents: rain?.grantedCents ?? 0,
      grabs: rain?.grabs ?? 0,
      throttled: rain?.throttled ?? 0,
      rain: rain?.run.rain ?? -1,
      rainRunning: rain !== null && isRainActive(rain.run, now),
      grantedPackets: rain?.grantedPackets ?? 0,
      grabsPerSec: ratePerSec(this.#tapWindow, now),
      throttlePpm: rain?.throttlePpm ?? 0,
      ...this.#social.stats(),
    };
  }

  // ---- time ----

  #armAlarm(): void {
    const nextMs = nextAlarmMs(this.#store.scheduled());
    if (nextMs === null) void this.ctx.storage.deleteAlarm();
    else void this.ctx.storage.setAlarm(nextMs);
    this.#alarmAtMs = nextMs;
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
      if (now - Math.max(lastBeat, att?.c ?? 0) > DEAD_AFTER_MS) closeQuietly(ws, 4000, "heartbeat timeout");
    }
    if (this.ctx.getWebSockets().length > 0) this.#store.schedule("sweep", now + SWEEP_EVERY_MS);
  }
}

function toControlOp(req: ClientRequest): ControlOp {
  switch (req.type) {
    case T.OPEN:
      return { kind: "open" };
    case T.PUSH_QUESTION:
      return { kind: "push", question: req.question, streamTsMs: req.streamTsMs };
    case T.REVEAL:
      return { kind: "reveal", question: req.question, streamTsMs: req.streamTsMs };
    case T.END:
      return { kind: "end" };
    case T.START_RAIN:
      return { kind: "startRain", rain: req.rain, streamTsMs: req.streamTsMs };
    default:
      return { kind: "stats" };
  }
}

function statsMessage(s: RoomStatsView): liveroom.RoomStats.$Properties {
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

const GRAB_MESSAGE: Record<GrabRejectCode, string> = {
  NO_RAIN: "no rain is running",
  NONE_LEFT: "the rain's packets are all taken",
  CAP_REACHED: "you hold the most packets allowed in this activity",
  RATE_LIMITED: "too many taps right now: tap again",
};

/** Answers a close frame; close codes the peer may not send (1005, 1006) become 1000. */
function closeQuietly(ws: WebSocket, code: number, reason = ""): void {
  try {
    ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code, reason);
  } catch {
    // Already closed.
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`);
}
