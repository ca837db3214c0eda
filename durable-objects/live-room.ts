// The LiveRoom Durable Object: the room kernel. It owns sockets, the storage transaction, the room
// sequence, the one alarm and the clock; every behaviour lives in a feature (./features), whose
// handlers return effects that the kernel applies here (docs/architecture.md).
import { DurableObject } from "cloudflare:workers";
import type { Role } from "../schema/auth";
import { liveroom } from "../schema/proto";
import {
  type ControlOp,
  type ControlResult,
  controlRefused,
  controlRequest,
  type ModerationOp,
  type ModerationResult,
  moderationRequest,
} from "./control";
import { createFeatures, type Features, ROOM_MIGRATIONS, statsOf } from "./features/registry";
import type { RoomSettlementPage } from "./features/settlement/record";
import { RECORD_PAGE_LIMIT } from "./features/settlement/record";
import { RoomClock } from "./kernel/clock";
import { FrameRouter } from "./kernel/frames";
import { EffectRunner } from "./kernel/effect-runner";
import type { TaskSpec } from "./kernel/feature";
import { runMigrations } from "./kernel/migrations";
import { RoomActivity } from "./kernel/room-activity";
import { RoomStore } from "./kernel/room-store";
import { taskTable } from "./kernel/tasks";
import { AlarmScheduler } from "./kernel/scheduler";
import { type Attachment, closeQuietly, SWEEP_EVERY_MS, sendQuietly } from "./kernel/sockets";
import { decodeClientFrame, HEARTBEAT_TEXT } from "./protocol/decode";
import { failure } from "./protocol/encode";
import type { RoomEnv } from "./room-env";
import { SocketRegistry } from "./kernel/socket-registry";
import { AUTH_DEADLINE_TASK, SocketGuard } from "./kernel/socket-guard";

const T = liveroom.Type;

export class LiveRoom extends DurableObject<RoomEnv> {
  readonly #store: RoomStore;
  readonly #clock: RoomClock;
  readonly #scheduler: AlarmScheduler;
  readonly #f: Features;
  readonly #tasks: ReadonlyMap<string, TaskSpec>;
  readonly #effects: EffectRunner;
  readonly #frames: FrameRouter;
  readonly #sockets: SocketRegistry;
  readonly #guard: SocketGuard;
  readonly #activity: RoomActivity;

  constructor(ctx: DurableObjectState, env: RoomEnv) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    ctx.storage.transactionSync(() => runMigrations(sql, ROOM_MIGRATIONS));
    this.#store = new RoomStore(sql);
    this.#clock = new RoomClock(this.#store.clockOffsetMs());
    // The runtime's alarm is in wall-clock time; the schedule is on the room's clock.
    this.#scheduler = new AlarmScheduler(
      this.#store.schedulePort((atMs) => {
        if (atMs === null) void ctx.storage.deleteAlarm();
        else void ctx.storage.setAlarm(atMs - this.#clock.offsetMs);
      }),
      this.#clock,
    );
    this.#activity = new RoomActivity(this.#store, env.DB, this.#clock);
    this.#sockets = new SocketRegistry(() => ctx.getWebSockets());
    this.#guard = new SocketGuard({
      sockets: this.#sockets,
      clock: this.#clock,
      offsetMs: () => this.#clock.offsetMs,
      lastHeartbeatMs: (ws) => ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime(),
      changed: () => this.#onlineChanged(),
    });
    this.#f = createFeatures({
      sql,
      clock: this.#clock,
      env,
      activity: () => this.#activity.get()!,
      room: () => this.#f.quiz.room(this.#activity.get()),
      online: () => this.#sockets.onlineUsers(),
      activityHost: () => this.#activity.host(),
    });
    this.#tasks = taskTable(this.#f, {
      sweep: {
        scope: "player",
        run: (_arg, now) =>
          this.#guard.sweep(now) > 0 ? [{ kind: "schedule", task: "sweep", atMs: now + SWEEP_EVERY_MS }] : [],
      },
      [AUTH_DEADLINE_TASK]: { scope: "player", run: (_arg, now) => this.#guard.authDeadline(now) },
      mirror: {
        scope: "room",
        run: (status) => this.#effects.retryMirror(status === "ended" ? "ended" : "live"),
      },
    });
    this.#effects = new EffectRunner({
      transaction: (fn) => ctx.storage.transactionSync(fn),
      store: this.#store,
      scheduler: this.#scheduler,
      features: this.#f,
      sockets: this.#sockets,
      db: env.DB,
      clock: this.#clock,
      stats: () => this.#stats(),
      activityId: () => this.#activity.get()!.id,
    });
    this.#frames = new FrameRouter({
      features: this.#f,
      effects: this.#effects,
      store: this.#store,
      jwtSecret: env.JWT_SECRET,
      now: () => this.#clock.now(),
      facts: () => this.#facts(),
      sockets: this.#sockets,
      guard: this.#guard,
      activityHost: () => this.#activity.host(),
    });
    // A task committed just before an eviction has its row; arming again costs one write per wake.
    this.#scheduler.arm();
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
    if (!(await this.#activity.ensure(activityId))) {
      return Response.json(
        { error: { code: "ACTIVITY_NOT_FOUND", message: `no activity ${activityId}` } },
        { status: 404 },
      );
    }
    const user = request.headers.get("X-Liveroom-User");
    const role = request.headers.get("X-Liveroom-Role") as Role | null;
    const refused = this.#guard.refuseUpgrade(user);
    if (refused !== null) return refused;
    // Viewers play; a host's or admin's row is made only if they answer, so no card is escrowed for them.
    if (user !== null && role === "viewer") await this.#f.quiz.ensurePlayer(user);
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    const now = this.#clock.now();
    const expMs = Number(request.headers.get("X-Liveroom-Exp") ?? "0") * 1000;
    const att: Attachment = { u: user, r: user === null ? null : role, c: now, x: user === null ? 0 : expMs };
    // Recorded (and the user's cap kept) before the transaction: it may close older sockets.
    const guarded = this.#guard.accepted(server, att);
    const sweep = this.#scheduler.has("sweep")
      ? []
      : [{ kind: "schedule" as const, task: "sweep", atMs: now + SWEEP_EVERY_MS }];
    await this.#effects.run(() => [...guarded, ...sweep], null);
    const headers = new Headers();
    if (request.headers.get("X-Liveroom-Protocol") === "liveroom")
      headers.set("Sec-WebSocket-Protocol", "liveroom");
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** Operator controls over RPC (the HTTP API): the same handlers as the host's frames. */
  async control(activityId: string, op: ControlOp): Promise<ControlResult> {
    try {
      if (!(await this.#activity.ensure(activityId)))
        return controlRefused("ACTIVITY_NOT_FOUND", "no such activity");
      const req = controlRequest(op);
      if (req.type === T.STATS) return { ok: true, stats: this.#stats() };
      const out = await this.#frames.request(req, { userId: "", role: "admin", nowMs: this.#clock.now() });
      if (out.kind === "refused") return controlRefused(out.code, out.message);
      return { ok: true, stats: this.#stats() };
    } catch (err) {
      console.error("liveroom control failed", { activityId, op: op.kind, err: String(err) });
      return controlRefused("INTERNAL", "internal error");
    }
  }

  /** Host moderation over RPC (the HTTP API): the same handlers as the host's frames. */
  async moderate(activityId: string, hostId: string, op: ModerationOp): Promise<ModerationResult> {
    if (!(await this.#activity.ensure(activityId))) {
      return { ok: false, code: "ACTIVITY_NOT_FOUND", message: "no such activity" };
    }
    const out = await this.#frames.request(moderationRequest(op), {
      userId: hostId,
      role: "admin",
      nowMs: this.#clock.now(),
    });
    if (out.kind !== "refused") return { ok: true };
    if (out.code !== "MUTE_BAD_REQUEST" && out.code !== "DANMAKU_UNKNOWN")
      throw new Error(`moderation: ${out.code}`);
    return { ok: false, code: out.code, message: out.message };
  }

  /** What this room says it paid, for reconciliation (RPC): its outbox rows in key order, a page at a time. */
  async settlementRecord(
    afterKey: string | null = null,
    limit = RECORD_PAGE_LIMIT,
  ): Promise<RoomSettlementPage> {
    return this.#f.settlement.record(this.#activity.get()?.id ?? null, afterKey, limit);
  }

  /** Reconciliation's repair (RPC): marks these outbox rows unsent and drains them now. Never invents a row. */
  async resend(keys: string[]): Promise<{ resent: string[]; unknown: string[] }> {
    let result: { resent: string[]; unknown: string[] } = { resent: [], unknown: [] };
    await this.#effects.run(() => {
      const r = this.#f.settlement.resend(keys, this.#clock.now());
      result = r.result;
      return r.effects;
    }, null);
    return result;
  }

  /** Tests only (the LIVEROOM_TEST_CLOCK binding): moves the room's clock forward instead of sleeping. */
  async advanceClock(ms: number): Promise<number> {
    if (this.env.LIVEROOM_TEST_CLOCK !== "1") throw new Error("advanceClock is for tests only");
    this.#clock.advance(ms);
    this.#store.setClockOffsetMs(this.#clock.offsetMs);
    this.#scheduler.arm();
    return this.#clock.now();
  }

  /** Tests only: stops or restarts the room's clock (`held`), e.g. to count a burst's cost exactly. */
  async holdClock(held: boolean): Promise<number> {
    if (this.env.LIVEROOM_TEST_CLOCK !== "1") throw new Error("holdClock is for tests only");
    this.#clock.hold(held);
    this.#store.setClockOffsetMs(this.#clock.offsetMs);
    return this.#clock.now();
  }

  override async webSocketMessage(ws: WebSocket, message: ArrayBuffer | string): Promise<void> {
    let type = 0;
    let seq = 0;
    try {
      // Charged before decoding: a flood costs the room a lookup per frame, then nothing.
      const att = this.#guard.admit(ws);
      if (att === null) return;
      const decoded = decodeClientFrame(message);
      if (decoded.kind === "heartbeat") return sendQuietly(ws, HEARTBEAT_TEXT);
      if (decoded.kind === "error") {
        return sendQuietly(ws, failure(decoded.type, decoded.seq, decoded.code, decoded.message));
      }
      ({ type, seq } = decoded.request);
      await this.#frames.frame(ws, att, decoded.request);
    } catch (err) {
      // A bug: log it with the room's context and answer; never let it escape the handler.
      console.error("liveroom frame failed", {
        activityId: this.#activity.get()?.id,
        type,
        seq,
        err: String(err),
      });
      sendQuietly(ws, failure(type, seq, "INTERNAL", "internal error"));
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    closeQuietly(ws, code, reason);
    this.#guard.gone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011, "socket error");
    this.#guard.gone(ws);
  }

  override async alarm(): Promise<void> {
    await this.#scheduler.run(async (name) => {
      const colon = name.indexOf(":");
      const base = colon < 0 ? name : name.slice(0, colon);
      const arg = colon < 0 ? "" : name.slice(colon + 1);
      const task = this.#tasks.get(base);
      if (task === undefined) return console.error("liveroom unknown task dropped", { task: name });
      if (this.#activity.get() === null && base !== "sweep") return;
      const nowMs = this.#clock.now();
      const effects = task.run(arg, nowMs);
      if (Array.isArray(effects)) await this.#effects.run(() => effects, null);
      else {
        const later = await effects;
        await this.#effects.run(() => later, null);
      }
    });
  }

  // ---- room facts ----

  #facts() {
    return {
      activity: this.#activity.get()!,
      roomSeq: this.#effects.seq,
      online: this.#sockets.onlineUsers(),
      nowMs: this.#clock.now(),
    };
  }

  #stats() {
    return statsOf(this.#f, this.#facts());
  }

  /** The authenticated audience changed: features follow it (the rain's throttle). */
  #onlineChanged(): void {
    if (this.#activity.get() === null) return;
    const nowMs = this.#clock.now();
    const online = this.#sockets.onlineUsers();
    void this.#effects
      .run(() => this.#f.all.flatMap((f) => f.onOnlineChanged?.(online, nowMs) ?? []), null)
      .catch((err: unknown) => console.error("liveroom online update failed", { err: String(err) }));
  }
}
