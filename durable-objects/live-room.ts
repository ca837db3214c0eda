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
  moderationView,
} from "./control";
import {
  coordinatorWelcome,
  createFeatures,
  type Features,
  ROOM_MIGRATIONS,
  type ShardRow,
  statsOf,
} from "./features/registry";
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
import { CATCHUP_ALL, CATCHUP_TASK, GATHER_DEADLINE_MS, ShardNet } from "./kernel/shard-net";
import { ShardReplica } from "./kernel/shard-replica";
import type {
  CoordinatorWelcome,
  Delivery,
  ForwardedAnswer,
  LogPage,
  Replica,
  RoomRpc,
} from "./kernel/shard-protocol";
import type { ClientRequest } from "./protocol/decode";
import type { FrameContext } from "./kernel/feature";
import { shardOf } from "../schema/shards";
import type { RoomStatsView } from "../schema/room-stats";
import type { HealthAsk, HealthResult } from "./features/health/feature";

/** Log entries one catch-up page carries. */
const LOG_PAGE = 500;
/** A shard's online report that failed is sent again by the `report` task this long after. */
const REPORT_RETRY_MS = 5_000;
/** How old the other shards' stats rows in the reply to an operator's step may be. */
const STATS_ROWS_MAX_AGE_MS = 1_000;

const T = liveroom.Type;

/**
 * The calls a test can make fail once (`failNextCall`): a delivery or a shard operation (on a shard),
 * an operation a shard asks of the coordinator ("roomOp", on the coordinator), the coordinator's
 * whole fan-out of one step (dropped as if it reset after the commit), or a shard operation that
 * answers only after the gather deadline ("stall").
 */
export type InjectedFault = "deliver" | "op" | "fanout" | "roomOp" | "stall";

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
  readonly #net: ShardNet;
  readonly #replica: ShardReplica;
  /** The coordinator's replica version and its JSON, as last computed (DESIGN §8). */
  #replicaSent: { rv: number; json: string } | null = null;
  /** How long this shard's last numbered delivery took to reach its last socket. */
  #fanoutMs = 0;
  #reporting: Promise<void> | null = null;
  /** Tests only: calls still to fail (`failNextCall`). */
  readonly #faults: { kind: InjectedFault; op: string | null }[] = [];
  #reportAgain = false;
  /** Each other shard's last stats row and when it came (with a delivery or a gather; `#stats`). */
  readonly #rows = new Map<number, { atMs: number; row: ShardRow }>();

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
    this.#net = new ShardNet({
      shard: () => this.#store.shard(),
      activityId: () => this.#activity.get()?.id ?? null,
      shards: () => this.#activity.get()?.shards ?? 1,
      stub: (name) => env.LIVE_ROOM.get(env.LIVE_ROOM.idFromName(name)) as RoomRpc,
      head: () => this.#effects.seq,
      replica: () => this.#replicaNow(),
      local: (op, arg) => this.#runOp(op, arg),
      localCoordinator: (op, arg) => this.#runOp(op, { shard: 0, arg }, "coordinator"),
      effects: async (effects) => void (await this.#effects.run(() => effects, null)),
      reported: (k, figures) => this.#rows.set(k, { atMs: this.#clock.now(), row: figures as ShardRow }),
      now: () => this.#clock.now(),
    });
    this.#replica = new ShardReplica({
      seq: () => this.#effects.seq,
      rv: () => this.#store.replicaVersion().rv,
      apply: (entries, replica) => this.#applyReplica(entries, replica),
      forgetBefore: (oldest) => {
        this.#store.forgetBefore(oldest);
        this.#effects.seq = this.#store.seq();
      },
      pull: (afterSeq) => this.#net.coordinator().roomLog(this.#activity.get()?.id ?? "", afterSeq),
      sendAll: (bytes) => {
        for (const ws of this.#sockets.authed()) sendQuietly(ws, bytes);
      },
      sendUser: (userId, bytes) => {
        for (const ws of this.#sockets.ofUser(userId)) sendQuietly(ws, bytes);
      },
      measured: (ms) => {
        this.#fanoutMs = ms;
      },
      now: () => this.#clock.now(),
    });
    this.#f = createFeatures({
      sql,
      clock: this.#clock,
      env,
      activity: () => this.#activity.get()!,
      room: () => this.#f.quiz.room(this.#activity.get()),
      online: () => this.#online(),
      activityHost: () => this.#activity.host(),
      shards: {
        count: () => this.#net.count(),
        index: () => this.#store.shard(),
        each: (op, arg) => this.#net.each(op, arg),
        one: (k, op, arg) => this.#net.one(k, op, arg),
        ask: (op, arg) => this.#net.ask(op, arg),
      },
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
      [CATCHUP_TASK]: {
        scope: "room",
        run: (k) => (k === CATCHUP_ALL ? this.#net.catchUpAll() : this.#net.catchUp(Number(k))),
      },
      report: {
        scope: "player",
        run: async () => {
          await this.#sendReport();
          return [];
        },
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
      stats: (fresh) => this.#stats(fresh),
      activityId: () => this.#activity.get()!.id,
      fanout: async (batch) => {
        if (this.#takeFault("fanout", null)) return;
        const start = this.#clock.now();
        await this.#net.deliver(batch);
        // The coordinator's own row: how long handing a numbered step to every other shard took.
        if (batch.entries.length > 0 && this.#net.count() > 1) this.#fanoutMs = this.#clock.now() - start;
      },
      runTask: (name) => this.#runTaskNow(name),
      logged: () => this.#net.logged((task, atMs) => this.#scheduler.scheduleOnce(task, atMs)),
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
      isCoordinator: () => this.#net.isCoordinator(),
      forward: (req, ctx) => this.#net.coordinator().roomFrame(this.#activity.get()!.id, req, ctx),
      coordinatorWelcome: (userId) => this.#coordinatorWelcome(userId),
      ownsUser: (userId) => shardOf(userId, this.#net.count()) === this.#store.shard(),
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
    this.#store.setShard(Number(request.headers.get("X-Liveroom-Shard") ?? "0"));
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
    if (user !== null) this.#f.health.connected(user, now);
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
      if (req.type === T.STATS) {
        try {
          return { ok: true, stats: await this.#stats(true) };
        } catch (err) {
          console.error("liveroom stats gather failed", { activityId, err: String(err) });
          return controlRefused("SHARD_UNAVAILABLE", "a shard did not report its figures: try again");
        }
      }
      const out = await this.#frames.request(req, { userId: "", role: "admin", nowMs: this.#clock.now() });
      if (out.kind === "refused") return controlRefused(out.code, out.message);
      return { ok: true, stats: await this.#stats(false) };
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
    if (out.kind === "replied")
      return { ok: true, moderation: out.result.moderation ? moderationView(out.result.moderation) : null };
    if (out.kind !== "refused") return { ok: true, moderation: null };
    if (
      out.code !== "MUTE_BAD_REQUEST" &&
      out.code !== "MODERATION_BAD_REQUEST" &&
      out.code !== "DANMAKU_UNKNOWN"
    )
      throw new Error(`moderation: ${out.code}`);
    return { ok: false, code: out.code, message: out.message };
  }

  /**
   * The room's health for the operator and monitoring (RPC; docs/live-room.md, "Show health"): every
   * shard's part comes with its stats row (one `kernel.figures` call per shard). Refused when there is
   * no such activity, or a shard did not answer within the gather deadline (never part of the room).
   */
  async health(activityId: string): Promise<HealthResult> {
    if (!(await this.#activity.ensure(activityId)))
      return { ok: false, code: "ACTIVITY_NOT_FOUND", message: "no such activity" };
    const ask = this.#f.health.ask();
    let rows: ShardRow[];
    try {
      rows = await this.#net.each<ShardRow>("kernel.figures", ask);
    } catch (err) {
      console.error("liveroom health gather failed", { activityId, err: String(err) });
      return {
        ok: false,
        code: "SHARD_UNAVAILABLE",
        message: "a shard did not report its health: try again",
      };
    }
    const facts = {
      activityId,
      nowMs: this.#clock.now(),
      online: this.#online(),
      roomSeq: this.#effects.seq,
    };
    const health = this.#f.health.view(
      facts,
      ask,
      rows.map((r) => ({ figures: r.figures, health: r.health! })),
    );
    return { ok: true, health };
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

  /**
   * Tests only (the LIVEROOM_TEST_CLOCK binding): moves the room's clock forward instead of sleeping.
   * The coordinator moves its other shards' clocks first, so the whole room keeps one time.
   */
  async advanceClock(ms: number): Promise<number> {
    if (this.env.LIVEROOM_TEST_CLOCK !== "1") throw new Error("advanceClock is for tests only");
    const activityId = this.#activity.get()?.id;
    if (this.#net.isCoordinator() && activityId !== undefined) {
      for (let k = 1; k < this.#net.count(); k++) await this.#net.shard(k).advanceClock(ms);
    }
    this.#clock.advance(ms);
    this.#store.setClockOffsetMs(this.#clock.offsetMs);
    this.#scheduler.arm();
    return this.#clock.now();
  }

  // ---- between the objects of one room (DESIGN §8, docs/scale.md) ----

  /** Coordinator: a room-scoped frame a shard forwarded. */
  async roomFrame(activityId: string, req: ClientRequest, ctx: FrameContext): Promise<ForwardedAnswer> {
    try {
      if (!(await this.#activity.ensure(activityId)))
        return { kind: "refused", code: "ACTIVITY_NOT_FOUND", message: "no such activity" };
      const out = await this.#frames.request(req, ctx);
      if (out.kind === "stats") return { kind: "stats", stats: await this.#stats(out.fresh) };
      return out;
    } catch (err) {
      console.error("liveroom forwarded frame failed", { activityId, type: req.type, err: String(err) });
      return { kind: "refused", code: "INTERNAL", message: "internal error" };
    }
  }

  /** Coordinator: the log after `afterSeq`, a page at a time, for a shard that catches up. */
  async roomLog(activityId: string, afterSeq: number): Promise<LogPage> {
    if (!(await this.#activity.ensure(activityId))) throw new Error(`roomLog: no activity ${activityId}`);
    const { oldest, entries } = this.#store.entriesAfter(afterSeq, LOG_PAGE);
    return { head: this.#effects.seq, oldest, entries, replica: this.#replicaNow() };
  }

  /** Coordinator: shard k's count of authenticated users (the room's online total, the rain's throttle). */
  async roomReport(activityId: string, shard: number, online: number): Promise<void> {
    if (!(await this.#activity.ensure(activityId))) return;
    this.#store.setRemoteOnline(shard, online);
    this.#onlineChanged();
  }

  /** Coordinator: an operation a shard asks of it (a feature's `coordinatorOps`). */
  async roomOp(activityId: string, shard: number, op: string, arg: unknown): Promise<unknown> {
    this.#injectedFault("roomOp", op);
    if (!(await this.#activity.ensure(activityId))) throw new Error(`roomOp: no activity ${activityId}`);
    return this.#runOp(op, { shard, arg }, "coordinator");
  }

  /** Coordinator: its parts of a welcome for a user of another shard. */
  async roomWelcome(activityId: string, userId: string): Promise<CoordinatorWelcome> {
    if (!(await this.#activity.ensure(activityId))) throw new Error(`roomWelcome: no activity ${activityId}`);
    return coordinatorWelcome(this.#f, userId, this.#online());
  }

  /** Shard: the coordinator's numbered notifications and room-scoped state, applied once and in order. */
  async shardDeliver(activityId: string, shard: number, d: Delivery): Promise<ShardRow> {
    this.#injectedFault("deliver", null);
    if (!(await this.#activity.ensure(activityId)))
      throw new Error(`shardDeliver: no activity ${activityId}`);
    this.#store.setShard(shard);
    await this.#replica.deliver(d);
    return this.#figures();
  }

  /**
   * Shard: an operation its coordinator runs on every shard (`<feature>.<op>` or `kernel.figures`).
   * A shard behind the coordinator's `head` (a delivery not yet retried) catches up first: a reveal
   * never closes a question on a shard whose players were not sent it.
   */
  async shardOp(activityId: string, shard: number, op: string, arg: unknown, head = 0): Promise<unknown> {
    this.#injectedFault("op", op);
    if (this.#takeFault("stall", op)) await new Promise((r) => setTimeout(r, GATHER_DEADLINE_MS + 500));
    if (!(await this.#activity.ensure(activityId))) throw new Error(`shardOp: no activity ${activityId}`);
    this.#store.setShard(shard);
    // Not for the stats' figures: reading them must not change what a shard sent.
    if (head > this.#effects.seq && op !== "kernel.figures") {
      await this.#replica.deliver({ head, entries: [], replica: null, notify: [], users: [] });
    }
    return this.#runOp(op, arg);
  }

  /**
   * Tests only (the LIVEROOM_TEST_CLOCK binding): this object's next call of `shardDeliver` ("deliver"),
   * `shardOp` ("op"; only operation `op` when named) or `roomOp` ("roomOp") throws before doing
   * anything, as a call that never reached it; ("stall") its next `shardOp` answers only after the
   * coordinator's gather deadline; or ("fanout", at the coordinator) its next step's fan-out is never
   * sent, as if it reset between the commit and the calls. Each call arms one failure. In memory: an
   * eviction forgets it.
   */
  async failNextCall(kind: InjectedFault, op: string | null = null): Promise<void> {
    if (this.env.LIVEROOM_TEST_CLOCK !== "1") throw new Error("failNextCall is for tests only");
    this.#faults.push({ kind, op });
  }

  /** Tests only: how many `failNextCall` failures this object still holds armed. */
  async faultsArmed(): Promise<number> {
    if (this.env.LIVEROOM_TEST_CLOCK !== "1") throw new Error("faultsArmed is for tests only");
    return this.#faults.length;
  }

  #injectedFault(kind: InjectedFault, op: string | null): void {
    if (this.#takeFault(kind, op))
      throw new Error(`injected ${kind} fault (test)${op === null ? "" : `: ${op}`}`);
  }

  /** Whether a test armed a failure of this call (and disarms it). */
  #takeFault(kind: InjectedFault, op: string | null): boolean {
    const i = this.#faults.findIndex((f) => f.kind === kind && (f.op === null || f.op === op));
    if (i < 0) return false;
    this.#faults.splice(i, 1);
    return true;
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
      if (type === T.RESUME) this.#f.health.resumed(this.#clock.now());
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
    await this.#scheduler.run((name) => this.#runTask(name));
  }

  /** One named task (`name` or `name:arg`); throws to be retried. */
  async #runTask(name: string): Promise<void> {
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
  }

  /** A `runTask` effect: the task now, unscheduled once it succeeded; left to the alarm's retries if not. */
  async #runTaskNow(name: string): Promise<void> {
    try {
      await this.#runTask(name);
      await this.#effects.run(() => [{ kind: "cancel", task: name }], null);
    } catch (err) {
      console.error("liveroom task failed, the alarm retries it", { task: name, err: String(err) });
    }
  }

  /**
   * Runs a shard operation (or, `coordinator`, an operation a shard asked of the coordinator) here,
   * in a transaction with its effects.
   */
  async #runOp(op: string, arg: unknown, side: "shard" | "coordinator" = "shard"): Promise<unknown> {
    if (op === "kernel.figures" && side === "shard") {
      const row = this.#figures();
      if (arg === null) return row;
      return { ...row, health: await this.#f.health.shardPart(arg as HealthAsk, this.#clock.now()) };
    }
    const dot = op.indexOf(".");
    const feature = this.#f.all.find((f) => f.name === op.slice(0, dot));
    const ops = side === "shard" ? feature?.shardOps : feature?.coordinatorOps;
    const run = ops?.[op.slice(dot + 1)];
    if (run === undefined) throw new Error(`unknown shard operation ${op}`);
    if (side === "coordinator") await feature?.coordinatorPrepare?.[op.slice(dot + 1)]?.(arg);
    let result: unknown = null;
    await this.#effects.run(() => {
      const out = run(arg, this.#clock.now());
      result = out.result;
      return out.effects;
    }, null);
    return result;
  }

  // ---- room facts ----

  #facts() {
    return {
      activity: this.#activity.get()!,
      roomSeq: this.#effects.seq,
      online: this.#online(),
      nowMs: this.#clock.now(),
      shard: this.#store.shard(),
    };
  }

  /** Distinct authenticated users: here, plus (at the coordinator) what every other shard reported. */
  #online(): number {
    const here = this.#sockets.onlineUsers();
    return this.#net.isCoordinator() && this.#net.count() > 1 ? here + this.#store.remoteOnline() : here;
  }

  /** This shard's row of the stats. */
  #figures(): ShardRow {
    const quiz = this.#f.quiz.shardFigures();
    return {
      quiz,
      rain: this.#f.rain.shardFigures(this.#clock.now()),
      danmaku: this.#f.danmaku.shardFigures(),
      figures: {
        shard: this.#store.shard(),
        online: this.#sockets.onlineUsers(),
        players: quiz.players,
        answers: quiz.counts.reduce((n, c) => n + c, 0),
        answersPerSec: quiz.answersPerSec,
        fanoutMs: this.#fanoutMs,
        outboxBacklog: this.#f.settlement.backlog(),
        roomSeq: this.#effects.seq,
      },
    };
  }

  /**
   * The room's stats. Unless `fresh` (an explicit STATS request), another shard's row may be the one
   * it answered the step's own delivery with (so a push or a reveal costs no call more), or any row
   * under STATS_ROWS_MAX_AGE_MS old taken at the room's current sequence; only the shards without
   * one are asked. When that ask fails, their last rows stand in: the reply to an operator's committed
   * step never turns into an error because a shard was slow to report figures (its row's sequence
   * shows it is behind). This object's own row is always read now.
   */
  async #stats(fresh: boolean): Promise<RoomStatsView> {
    const now = this.#clock.now();
    const head = this.#effects.seq;
    const others = Array.from({ length: this.#net.count() - 1 }, (_, i) => i + 1);
    const usable = (k: number) => {
      const r = this.#rows.get(k);
      return (
        !fresh && r !== undefined && now - r.atMs < STATS_ROWS_MAX_AGE_MS && r.row.figures.roomSeq === head
      );
    };
    const ask = others.filter((k) => !usable(k));
    try {
      const rows = await this.#net.some<ShardRow>(ask, "kernel.figures", null);
      for (const [i, row] of rows.entries()) this.#rows.set(ask[i]!, { atMs: now, row });
    } catch (err) {
      if (fresh || ask.some((k) => !this.#rows.has(k))) throw err;
    }
    return statsOf(this.#f, this.#facts(), [this.#figures(), ...others.map((k) => this.#rows.get(k)!.row)]);
  }

  async #coordinatorWelcome(userId: string): Promise<CoordinatorWelcome> {
    if (this.#net.isCoordinator()) return coordinatorWelcome(this.#f, userId, this.#online());
    return this.#net.coordinator().roomWelcome(this.#activity.get()!.id, userId);
  }

  /** The coordinator's room-scoped state for its shards, versioned: the version moves when it changed. */
  #replicaNow(): Replica {
    const parts: Record<string, unknown> = {};
    for (const f of this.#f.all) if (f.replica !== undefined) parts[f.name] = f.replica();
    const json = JSON.stringify(parts);
    this.#replicaSent ??= this.#store.replicaVersion();
    const last = this.#replicaSent;
    if (json !== last.json) {
      this.#replicaSent = { rv: last.rv + 1, json };
      this.#store.setReplicaVersion(this.#replicaSent.rv, json);
    }
    return { rv: this.#replicaSent!.rv, parts };
  }

  /** A shard stores the coordinator's entries and takes its newer room-scoped state, in one transaction. */
  #applyReplica(entries: readonly { seq: number; bytes: Uint8Array }[], replica: Replica | null): void {
    this.ctx.storage.transactionSync(() => {
      for (const e of entries) this.#store.appendNotification(e.seq, e.bytes);
      if (replica !== null) {
        for (const f of this.#f.all) if (f.name in replica.parts) f.applyReplica?.(replica.parts[f.name]);
        this.#store.setReplicaVersion(replica.rv, "");
      }
    });
    const last = entries[entries.length - 1];
    if (last !== undefined) this.#effects.seq = last.seq;
  }

  /** The authenticated audience changed: features follow it (the rain's throttle); a shard tells its coordinator. */
  #onlineChanged(): void {
    if (this.#activity.get() === null) return;
    if (!this.#net.isCoordinator()) return void this.#report();
    const nowMs = this.#clock.now();
    const online = this.#online();
    void this.#effects
      .run(() => this.#f.all.flatMap((f) => f.onOnlineChanged?.(online, nowMs) ?? []), null)
      .catch((err: unknown) => console.error("liveroom online update failed", { err: String(err) }));
  }

  /** This shard's count of authenticated users, to its coordinator (throws if it cannot be reached). */
  #sendReport(): Promise<void> {
    return this.#net
      .coordinator()
      .roomReport(this.#activity.get()!.id, this.#store.shard(), this.#sockets.onlineUsers());
  }

  /** Sends this shard's online count to the coordinator: one call at a time, the latest count last. */
  async #report(): Promise<void> {
    if (this.#reporting !== null) {
      this.#reportAgain = true;
      return;
    }
    this.#reporting = (async () => {
      do {
        this.#reportAgain = false;
        try {
          await this.#sendReport();
        } catch (err) {
          console.error("liveroom online report failed", { err: String(err) });
          const atMs = this.#clock.now() + REPORT_RETRY_MS;
          await this.#effects.run(() => [{ kind: "scheduleOnce", task: "report", atMs }], null);
          return;
        }
      } while (this.#reportAgain);
    })();
    try {
      await this.#reporting;
    } finally {
      this.#reporting = null;
    }
  }
}
