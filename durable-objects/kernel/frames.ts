// The kernel's request path: a decoded frame (or an operator's RPC, as the frame it stands for)
// checked for auth and role, then run through its feature's handler. AUTH and RESUME are the
// kernel's own; every other type has exactly one handler in the feature table.
import { canOperate, verifyToken } from "../../schema/auth";
import { liveroom } from "../../schema/proto";
import type { Features, RoomFacts } from "../features/registry";
import { welcomeOf } from "../features/registry";
import type { ClientRequest } from "../protocol/decode";
import { failure, success } from "../protocol/encode";
import { statsMessage } from "../features/registry";
import type { EffectRunner, Outcome } from "./effect-runner";
import type { FrameContext, FrameSpec } from "./feature";
import type { CoordinatorWelcome, ForwardedAnswer } from "./shard-protocol";
import type { RoomStore } from "./room-store";
import { createBucket, take, type TokenBucket } from "./token-bucket";
import type { SocketGuard } from "./socket-guard";
import type { SocketRegistry } from "./socket-registry";
import { type Attachment, sendQuietly } from "./sockets";

const T = liveroom.Type;

export interface FramePorts {
  features: Features;
  effects: EffectRunner;
  store: RoomStore;
  jwtSecret: string;
  now(): number;
  facts(): RoomFacts;
  sockets: SocketRegistry;
  guard: SocketGuard;
  /** The activity's host: a host token operates only the activities it hosts (admins: all). */
  activityHost(): Promise<string | null>;
  /** Whether this object is the room's coordinator (shard 0); other shards forward room-scoped frames. */
  isCoordinator(): boolean;
  /** Runs a room-scoped request at the coordinator (DESIGN §8). */
  forward(req: ClientRequest, ctx: FrameContext): Promise<ForwardedAnswer>;
  /** The coordinator's parts of a welcome. */
  coordinatorWelcome(userId: string): Promise<CoordinatorWelcome>;
  /** Whether `userId`'s sockets belong on this shard. */
  ownsUser(userId: string): boolean;
}

/** RESUMEs a socket may send: a burst of 3, then one a second (a reconnecting client needs one, or a few pages). */
const RESUME_BUDGET = { capacity: 3, ratePerSec: 1 };
/** Notifications one RESUME answer carries; `more` asks the client to resume again from `to_seq`. */
export const RESUME_PAGE = 200;
/** A client further behind than this gets `gap` (take the snapshot: AUTH again) instead of a replay. */
export const RESUME_MAX_BEHIND = 1_000;

export class FrameRouter {
  readonly #p: FramePorts;
  readonly #resumes = new WeakMap<WebSocket, TokenBucket>();

  constructor(ports: FramePorts) {
    this.#p = ports;
  }

  /** One decoded frame from an admitted socket. Throws only on a bug (the kernel answers INTERNAL). */
  async frame(ws: WebSocket, att: Attachment, req: ClientRequest): Promise<void> {
    if (req.type === T.AUTH || req.type === T.REFRESH)
      return this.#auth(ws, att, req.type, req.seq, req.token);
    if (att.u === null) {
      return sendQuietly(
        ws,
        failure(req.type, req.seq, "NOT_AUTHENTICATED", "send an AUTH frame with a token first"),
      );
    }
    if (req.type === T.RESUME) return this.#resume(ws, req.seq, req.afterSeq);
    let role = att.r;
    // A host token operates only the activities it hosts: elsewhere it is a viewer's.
    if (role === "host" && this.#hostOnly(req) && (await this.#p.activityHost()) !== att.u) role = "viewer";
    const out = await this.request(req, { userId: att.u, role, nowMs: this.#p.now() }, ws);
    if (out.kind === "none") sendQuietly(ws, success(req.type, req.seq, {}));
  }

  /** Runs one request through its feature's handler; the answer goes to `ws` (a frame) or back (an RPC). */
  async request(req: ClientRequest, ctx: FrameContext, ws: WebSocket | null = null): Promise<Outcome> {
    const target = ws === null ? null : { ws, type: req.type, seq: req.seq };
    const effects = this.#p.effects;
    if (req.type === T.AUTH || req.type === T.REFRESH || req.type === T.RESUME) {
      throw new Error("AUTH, REFRESH and RESUME are answered by frame()");
    }
    const spec =
      req.type === T.STATS ? null : (this.#p.features.frames[req.type] as FrameSpec<ClientRequest>);
    if ((spec === null || spec.role === "host") && (ctx.role === null || !canOperate(ctx.role))) {
      return effects.run(
        () => [{ kind: "refuse", code: "FORBIDDEN", message: "host operations need a host or admin token" }],
        target,
      );
    }
    if ((spec === null || spec.scope === "room") && !this.#p.isCoordinator()) {
      return this.#forwarded(await this.#p.forward(req, ctx), target);
    }
    if (spec === null) return effects.run(() => [{ kind: "replyStats", fresh: true }], target);
    await spec.prepare?.(req, ctx);
    return effects.run(() => spec.handle(req, ctx), target);
  }

  /** A forwarded request's answer, sent to the socket that asked. */
  #forwarded(answer: ForwardedAnswer, target: { ws: WebSocket; type: number; seq: number } | null): Outcome {
    if (target !== null) {
      const { ws, type, seq } = target;
      if (answer.kind === "replied") sendQuietly(ws, success(type, seq, answer.result));
      else if (answer.kind === "stats")
        sendQuietly(ws, success(type, seq, { stats: statsMessage(answer.stats) }));
      else if (answer.kind === "refused") sendQuietly(ws, failure(type, seq, answer.code, answer.message));
    }
    switch (answer.kind) {
      case "replied":
        return { kind: "replied", result: answer.result };
      case "stats":
        return { kind: "stats", fresh: true };
      case "refused":
        return { kind: "refused", code: answer.code, message: answer.message };
      case "none":
        return { kind: "none" };
    }
  }

  #hostOnly(req: ClientRequest): boolean {
    if (req.type === T.STATS) return true;
    if (req.type === T.AUTH || req.type === T.REFRESH || req.type === T.RESUME) return false;
    return (this.#p.features.frames[req.type] as FrameSpec<ClientRequest>).role === "host";
  }

  /** AUTH (the welcome) or REFRESH (a new token for the same user, before the old one expires). */
  async #auth(ws: WebSocket, att: Attachment, type: number, seq: number, token: string): Promise<void> {
    const check = await verifyToken(token, this.#p.jwtSecret);
    if (!check.ok) return sendQuietly(ws, failure(type, seq, "TOKEN_INVALID", `token ${check.reason}`));
    const { sub, role, exp } = check.claims;
    if (att.u !== null && att.u !== sub) {
      return sendQuietly(
        ws,
        failure(type, seq, "ALREADY_AUTHENTICATED", "this socket belongs to another user"),
      );
    }
    if (type === T.REFRESH && att.u === null) {
      return sendQuietly(
        ws,
        failure(type, seq, "NOT_AUTHENTICATED", "send an AUTH frame with a token first"),
      );
    }
    if (!this.#p.ownsUser(sub)) {
      return sendQuietly(
        ws,
        failure(type, seq, "WRONG_SHARD", "this socket reached another shard: reconnect with the token"),
      );
    }
    if (type === T.AUTH && role === "viewer") await this.#p.features.quiz.ensurePlayer(sub);
    // The socket may have been closed (flood, cap) while we awaited.
    const current = this.#p.sockets.get(ws);
    if (current === null) return;
    const next: Attachment = { ...current, u: sub, r: role, x: exp * 1000 };
    this.#p.sockets.set(ws, next);
    if (current.u === null) {
      this.#p.guard.capUser(sub);
      this.#p.guard.changed();
    }
    if (type === T.REFRESH) return sendQuietly(ws, success(type, seq, { refreshed: { expMs: exp * 1000 } }));
    const welcome = await welcomeOf(
      this.#p.features,
      sub,
      role,
      this.#p.facts(),
      await this.#p.coordinatorWelcome(sub),
    );
    sendQuietly(ws, success(T.AUTH, seq, { welcome }));
  }

  /**
   * RESUME: at most RESUME_PAGE notifications per answer (`more` when there are others); a client
   * further behind than RESUME_MAX_BEHIND gets `gap` and takes the snapshot (AUTH) instead; a socket
   * over its RESUME budget is refused RESUME_LIMITED (100 RESUMEs from one socket once answered 1.1 MiB).
   */
  #resume(ws: WebSocket, seq: number, afterSeq: number): void {
    const now = this.#p.now();
    const t = take(this.#resumes.get(ws) ?? createBucket(RESUME_BUDGET, now), now);
    this.#resumes.set(ws, t.bucket);
    if (!t.ok) {
      sendQuietly(ws, failure(T.RESUME, seq, "RESUME_LIMITED", "too many RESUMEs: wait, or AUTH again"));
      return;
    }
    const roomSeq = this.#p.effects.seq;
    const { oldest, frames } = this.#p.store.notificationsAfter(afterSeq, RESUME_PAGE);
    const gap = afterSeq + 1 < oldest || roomSeq - afterSeq > RESUME_MAX_BEHIND;
    const sent = gap ? [] : frames;
    const toSeq = gap ? roomSeq : afterSeq + sent.length;
    const resumed = { fromSeq: afterSeq + 1, toSeq, gap, more: !gap && toSeq < roomSeq };
    sendQuietly(ws, success(T.RESUME, seq, { resumed }));
    for (const frame of sent) sendQuietly(ws, frame);
  }
}
