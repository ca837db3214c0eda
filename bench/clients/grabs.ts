// Red-packet storm, client side: every player taps `tapHz` times a second while the rain runs;
// a tap becomes a GRAB with the probability the room's throttle factor says (as the SDK does).
import { liveroom } from "../../schema/proto";
import type { GrabArmCmd, GrabRecord, GrabResult } from "./protocol";
import { now, type Sock, sendRequest, sleep } from "./socks";

const T = liveroom.Type;
const TICK_MS = 20;

interface PlayerRain {
  ppm: number;
  running: boolean;
  ended: boolean;
  pending: Map<number, number>;
  n: number;
}

export class GrabRun {
  readonly #records: GrabRecord[] = [];
  readonly #players: PlayerRain[];
  readonly #throttles: number[] = [];
  #taps = 0;
  #sent = 0;
  readonly #loop: Promise<void>;

  constructor(
    readonly cmd: GrabArmCmd,
    readonly socks: readonly Sock[],
  ) {
    this.#players = socks.map((s, i) => {
      const p: PlayerRain = { ppm: 0, running: false, ended: false, pending: new Map(), n: 0 };
      s.onFrame = (frame, at) => {
        const n = frame.notification;
        if (n?.rainStarted && n.rainStarted.rain === cmd.rain) {
          p.ppm = n.rainStarted.throttlePpm ?? 0;
          p.running = true;
          if (i === 0) this.#throttles.push(p.ppm);
        } else if (n?.throttle && n.throttle.rain === cmd.rain) {
          p.ppm = n.throttle.throttlePpm ?? 0;
          if (i === 0) this.#throttles.push(p.ppm);
        } else if (n?.rainEnded && n.rainEnded.rain === cmd.rain) {
          p.running = false;
          p.ended = true;
        }
        const r = frame.response;
        if (r && frame.type === T.GRAB) {
          const sentAt = p.pending.get(frame.seq);
          if (sentAt === undefined) return;
          p.pending.delete(frame.seq);
          this.#records.push({
            sentAt,
            recvAt: at,
            status: r.status ?? 0,
            code: r.code ?? 0,
            amountCents: Number(r.grab?.amountCents ?? 0),
            grabbed: r.grab?.grabbed ?? 0,
            user: s.user,
          });
        }
      };
      return p;
    });
    this.#loop = this.#tapLoop();
  }

  async #tapLoop(): Promise<void> {
    const end = Date.now() + this.cmd.maxMs;
    const tapP = (this.cmd.tapHz * TICK_MS) / 1000;
    let started = false;
    while (Date.now() < end) {
      let running = 0;
      this.#players.forEach((p, i) => {
        if (!p.running) return;
        running++;
        if (Math.random() >= tapP) return;
        this.#taps++;
        if (Math.random() >= p.ppm / 1e6) return;
        const s = this.socks[i]!;
        if (s.ws.readyState !== s.ws.OPEN) return;
        p.n++;
        const seq = sendRequest(s, T.GRAB, { grab: { rain: this.cmd.rain, grabId: `${s.user}.${p.n}` } });
        p.pending.set(seq, now());
        this.#sent++;
      });
      if (running > 0) started = true;
      if (started && this.#players.every((p) => p.ended)) break;
      await sleep(TICK_MS);
    }
    for (const p of this.#players) p.running = false;
  }

  async wait(timeoutMs: number): Promise<GrabResult> {
    await this.#loop;
    // The answers still in flight when the taps stop get `timeoutMs` to arrive.
    const end = Date.now() + timeoutMs;
    while (this.#records.length < this.#sent && Date.now() < end) await sleep(20);
    for (const s of this.socks) s.onFrame = null;
    return {
      records: this.#records,
      taps: this.#taps,
      unanswered: this.#sent - this.#records.length,
      throttles: this.#throttles,
    };
  }
}
