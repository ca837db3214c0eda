// The kernel's request path: a decoded frame (or an operator's RPC, as the frame it stands for)
// checked for auth and role, then run through its feature's handler. AUTH and RESUME are the
// kernel's own; every other type has exactly one handler in the feature table.
import { canOperate, verifyToken } from "../../schema/auth";
import { liveroom } from "../../schema/proto";
import type { Features, RoomFacts } from "../features/registry";
import { welcomeOf } from "../features/registry";
import type { ClientRequest } from "../protocol/decode";
import { failure, success } from "../protocol/encode";
import type { EffectRunner, Outcome } from "./effect-runner";
import type { FrameContext, FrameSpec } from "./feature";
import type { RoomStore } from "./room-store";
import { type Attachment, sendQuietly } from "./sockets";

const T = liveroom.Type;

export interface FramePorts {
  features: Features;
  effects: EffectRunner;
  store: RoomStore;
  jwtSecret: string;
  now(): number;
  facts(): RoomFacts;
}

export class FrameRouter {
  readonly #p: FramePorts;

  constructor(ports: FramePorts) {
    this.#p = ports;
  }

  /** One decoded frame from a socket. Throws only on a bug (the kernel answers INTERNAL). */
  async frame(ws: WebSocket, req: ClientRequest): Promise<void> {
    const att = ws.deserializeAttachment() as Attachment;
    if (req.type === T.AUTH) return this.#auth(ws, att, req.seq, req.token);
    if (att.u === null) {
      return sendQuietly(
        ws,
        failure(req.type, req.seq, "NOT_AUTHENTICATED", "send an AUTH frame with a token first"),
      );
    }
    if (req.type === T.RESUME) return this.#resume(ws, req.seq, req.afterSeq);
    const out = await this.request(req, { userId: att.u, role: att.r, nowMs: this.#p.now() }, ws);
    if (out.kind === "none") sendQuietly(ws, success(req.type, req.seq, {}));
  }

  /** Runs one request through its feature's handler; the answer goes to `ws` (a frame) or back (an RPC). */
  async request(req: ClientRequest, ctx: FrameContext, ws: WebSocket | null = null): Promise<Outcome> {
    const target = ws === null ? null : { ws, type: req.type, seq: req.seq };
    const effects = this.#p.effects;
    if (req.type === T.AUTH || req.type === T.RESUME)
      throw new Error("AUTH and RESUME are answered by frame()");
    const spec =
      req.type === T.STATS ? null : (this.#p.features.frames[req.type] as FrameSpec<ClientRequest>);
    if ((spec === null || spec.role === "host") && (ctx.role === null || !canOperate(ctx.role))) {
      return effects.run(
        () => [{ kind: "refuse", code: "FORBIDDEN", message: "host operations need a host or admin token" }],
        target,
      );
    }
    if (spec === null) return effects.run(() => [{ kind: "replyStats" }], target);
    await spec.prepare?.(req, ctx);
    return effects.run(() => spec.handle(req, ctx), target);
  }

  async #auth(ws: WebSocket, att: Attachment, seq: number, token: string): Promise<void> {
    const check = await verifyToken(token, this.#p.jwtSecret);
    if (!check.ok) return sendQuietly(ws, failure(T.AUTH, seq, "TOKEN_INVALID", `token ${check.reason}`));
    const { sub, role } = check.claims;
    if (att.u !== null && att.u !== sub) {
      return sendQuietly(
        ws,
        failure(T.AUTH, seq, "ALREADY_AUTHENTICATED", "this socket belongs to another user"),
      );
    }
    await this.#p.features.quiz.ensurePlayer(sub);
    if (att.u === null || att.r !== role)
      ws.serializeAttachment({ ...att, u: sub, r: role } satisfies Attachment);
    const welcome = await welcomeOf(this.#p.features, sub, role, this.#p.facts());
    sendQuietly(ws, success(T.AUTH, seq, { welcome }));
  }

  #resume(ws: WebSocket, seq: number, afterSeq: number): void {
    const { oldest, frames } = this.#p.store.notificationsAfter(afterSeq);
    const gap = afterSeq + 1 < oldest;
    const resumed = { fromSeq: afterSeq + 1, toSeq: this.#p.effects.seq, gap };
    sendQuietly(ws, success(T.RESUME, seq, { resumed }));
    for (const frame of frames) sendQuietly(ws, frame);
  }
}
