// Reconnect storm, client side (issue 11): every socket AUTHs for its Welcome (reconnect window,
// shard, room sequence) and keeps the last numbered notification it saw. When a deploy closes the
// socket, the client waits a uniform random part of the Welcome's `reconnect_window_ms`, reconnects
// with its token, AUTHs, and RESUMEs after its last sequence if the Welcome says the room moved on —
// the policy the SDK (client/) is being given, implemented here with the SDK's own back-off for a
// refused attempt (client/backoff.ts).
import { WebSocket } from "ws";
import { backoffDelay, DEFAULT_BACKOFF } from "../../client/backoff";
import { liveroom } from "../../schema/proto";
import { missingSeqs, reconnectDelays } from "../scale";
import { benchToken } from "../tokens";
import type { AuthAllResult, StormArmCmd, StormRecord, StormWaitResult } from "./protocol";
import { now, type Sock, sendRequest, toBytes, until } from "./socks";

const T = liveroom.Type;
const HANDSHAKE_TIMEOUT_MS = 10_000;

interface Client {
  sock: Sock;
  token: string;
  shard: number;
  windowMs: number;
  lastSeq: number;
  /** lastSeq when the deploy closed the socket: everything after it must come back. */
  afterSeq: number;
  seqs: { seq: number; at: number }[];
  closedAt: number;
  delayMs: number;
  attempts: number;
  failedAttempts: number;
  welcomedAt: number;
  resumed: boolean;
  /** The Welcome's room_seq: notifications up to it come by RESUME's replay, later ones live. */
  welcomeSeq: number;
  /** Set once the client gave up or the storm was stopped. */
  stopped: boolean;
}

export class ReconnectStorm {
  readonly #clients: Client[];
  readonly #errors: string[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #deadline = 0;
  #url = "";

  constructor(socks: readonly Sock[]) {
    this.#clients = socks.map((sock) => ({
      sock,
      token: "",
      shard: -1,
      windowMs: 0,
      lastSeq: 0,
      afterSeq: 0,
      seqs: [],
      closedAt: Number.NaN,
      delayMs: 0,
      attempts: 0,
      failedAttempts: 0,
      welcomedAt: Number.NaN,
      resumed: false,
      welcomeSeq: 0,
      stopped: false,
    }));
  }

  #error(why: string): void {
    if (this.#errors.length < 5) this.#errors.push(why);
  }

  /** AUTH on every open socket: the Welcome gives the window, the shard and the room's sequence. */
  async authAll(timeoutMs: number): Promise<AuthAllResult> {
    const result: AuthAllResult = {
      welcomed: 0,
      failed: 0,
      errors: [],
      windowMinMs: Number.POSITIVE_INFINITY,
      windowMaxMs: 0,
      perShard: {},
      roomSeq: 0,
    };
    let answered = 0;
    for (const c of this.#clients) {
      c.token = await benchToken(c.sock.user, "viewer");
      c.sock.onFrame = (frame) => {
        const w = frame.response?.welcome;
        if (frame.type === T.AUTH && frame.response) {
          answered++;
          if (!w) {
            result.failed++;
            if (result.errors.length < 5) result.errors.push(`AUTH refused: ${frame.response.code}`);
            return;
          }
          result.welcomed++;
          c.windowMs = w.reconnectWindowMs ?? 0;
          c.shard = w.shard ?? 0;
          c.lastSeq = Math.max(c.lastSeq, w.roomSeq ?? 0);
          result.windowMinMs = Math.min(result.windowMinMs, c.windowMs);
          result.windowMaxMs = Math.max(result.windowMaxMs, c.windowMs);
          result.perShard[String(c.shard)] = (result.perShard[String(c.shard)] ?? 0) + 1;
          result.roomSeq = Math.max(result.roomSeq, w.roomSeq ?? 0);
          return;
        }
        const seq = frame.notification?.roomSeq ?? 0;
        if (seq > c.lastSeq) c.lastSeq = seq;
      };
      sendRequest(c.sock, T.AUTH, { auth: { token: c.token } });
    }
    await until(() => answered >= this.#clients.length, timeoutMs);
    result.failed += this.#clients.length - answered;
    return result;
  }

  /** From now on a close of a socket is the deploy: it is recorded, with the last sequence held. */
  async arm(cmd: StormArmCmd): Promise<null> {
    this.#deadline = Date.now() + cmd.maxMs;
    this.#url = `${cmd.wsBase}${cmd.path}`;
    for (const c of this.#clients) {
      // A reset connection must not surface as an unhandled 'error'.
      c.sock.ws.on("error", () => {});
      c.sock.ws.once("close", () => {
        c.closedAt = now();
        c.afterSeq = c.lastSeq;
      });
    }
    return null;
  }

  /**
   * The new version is up: every closed client reconnects after a uniform random part of its window.
   * (A real deploy serves the new version at once; the local restart takes seconds, so the window is
   * counted from here, not from the close.)
   */
  #go(): number {
    const start = now();
    for (const c of this.#clients) {
      if (!Number.isFinite(c.closedAt)) {
        this.#error(`${c.sock.user}: the deploy did not close it`);
        continue;
      }
      c.delayMs = reconnectDelays(1, c.windowMs, Math.random)[0]!;
      this.#later(c.delayMs, () => this.#attempt(c));
    }
    return start;
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #retry(c: Client, why: string): void {
    c.failedAttempts++;
    if (c.stopped) return;
    if (Date.now() >= this.#deadline) {
      c.stopped = true;
      this.#error(`${c.sock.user} gave up after ${c.attempts} attempts: ${why}`);
      return;
    }
    // As the SDK (client/README.md, "Reconnect window"): after the jittered first attempt fails, the
    // back-off goes on from its second step (1 s, 2 s …).
    this.#later(backoffDelay(c.failedAttempts, DEFAULT_BACKOFF, Math.random), () => this.#attempt(c));
  }

  #attempt(c: Client): void {
    if (c.stopped) return;
    c.attempts++;
    const ws = new WebSocket(`${this.#url}?token=${c.token}`, {
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    c.sock.ws = ws;
    c.sock.seq = 0;
    let welcomed = false;
    let failed = false;
    const fail = (why: string) => {
      if (failed || welcomed) return;
      failed = true;
      ws.removeAllListeners();
      ws.on("error", () => {});
      ws.terminate();
      this.#retry(c, why);
    };
    ws.on("error", (err) => fail(err.message));
    ws.on("close", (code) => {
      if (!welcomed) fail(`closed ${code} before the Welcome`);
      else if (!c.stopped) {
        // Dropped again after coming back: the same policy from the start.
        c.welcomedAt = Number.NaN;
        this.#retry(c, `closed ${code} after the Welcome`);
      }
    });
    ws.on("open", () => sendRequest(c.sock, T.AUTH, { auth: { token: c.token } }));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return;
      const at = now();
      const frame = liveroom.Frame.decode(toBytes(data));
      const r = frame.response;
      if (r && frame.type === T.AUTH) {
        if (!r.welcome) return fail(`AUTH refused: ${r.code}`);
        welcomed = true;
        c.welcomedAt = at;
        c.welcomeSeq = r.welcome.roomSeq ?? 0;
        if ((r.welcome.roomSeq ?? 0) > c.lastSeq) {
          c.resumed = true;
          sendRequest(c.sock, T.RESUME, { resume: { afterSeq: c.lastSeq } });
        }
        return;
      }
      if (r && frame.type === T.RESUME) {
        const res = r.resumed;
        if (r.status !== liveroom.Status.OK || !res) return this.#error(`RESUME refused: ${r.code}`);
        if (res.gap) this.#error(`${c.sock.user}: RESUME answered gap`);
        // A further page: ask after the last one this page announced.
        if (res.more) sendRequest(c.sock, T.RESUME, { resume: { afterSeq: res.toSeq ?? c.lastSeq } });
        return;
      }
      const seq = frame.notification?.roomSeq ?? 0;
      if (seq > 0) {
        c.seqs.push({ seq, at });
        c.lastSeq = Math.max(c.lastSeq, seq);
      }
    });
  }

  /** Until every client holds every notification up to `targetSeq` (or the time is up). */
  async wait(targetSeq: number, timeoutMs: number): Promise<StormWaitResult> {
    const goAt = this.#go();
    const back = (c: Client) =>
      Number.isFinite(c.welcomedAt) &&
      missingSeqs(
        c.afterSeq,
        targetSeq,
        c.seqs.map((s) => s.seq),
      ).length === 0;
    await until(() => this.#clients.every((c) => back(c) || c.stopped), timeoutMs);
    const records: StormRecord[] = this.#clients.map((c) => {
      const missing = missingSeqs(
        c.afterSeq,
        targetSeq,
        c.seqs.map((s) => s.seq),
      ).length;
      const seqAt = c.seqs.filter((s) => s.seq <= targetSeq).map((s) => s.at);
      return {
        shard: c.shard,
        windowMs: c.windowMs,
        closedAt: c.closedAt,
        goAt,
        delayMs: c.delayMs,
        attempts: c.attempts,
        failedAttempts: c.failedAttempts,
        welcomedAt: c.welcomedAt,
        backAt: back(c) ? Math.max(c.welcomedAt, ...seqAt) : Number.NaN,
        resumed: c.resumed,
        replayed: c.resumed ? c.seqs.filter((s) => s.seq > c.afterSeq && s.seq <= c.welcomeSeq).length : 0,
        missing,
      };
    });
    this.stop();
    return { records, errors: this.#errors };
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const c of this.#clients) c.stopped = true;
  }
}
