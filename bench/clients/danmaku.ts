// Danmaku, client side: senders post ~130-byte danmaku whose text ends with the send time, so
// every receiver can time the delivery without asking anyone; all sockets count frames and bytes.
import { liveroom } from "../../schema/proto";
import type { DanmakuArmCmd, DanmakuResult } from "./protocol";
import { now, type Sock, sendRequest, sleep } from "./socks";

const T = liveroom.Type;
// 39 CJK characters (117 UTF-8 bytes) + a 13-digit epoch ms = 130 bytes, 52 characters.
const PAD = "弹幕测试直播间答题红包雨点赞礼物欢迎来到现场一起看节目大家好今天天气不错哈哈哈哈";

/** The danmaku text carrying its send time. */
export function stampedText(sentAtMs: number): string {
  return `${PAD.slice(0, 39)}${Math.floor(sentAtMs).toString().padStart(13, "0")}`;
}

/** The send time a stamped text carries, or null. */
export function stampOf(text: string): number | null {
  const m = /(\d{13})$/.exec(text);
  return m === null ? null : Number(m[1]);
}

export class DanmakuRun {
  readonly #result: DanmakuResult;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #end: number;

  constructor(
    readonly cmd: DanmakuArmCmd,
    readonly socks: readonly Sock[],
  ) {
    const r: DanmakuResult = {
      sockets: socks.length,
      frames: 0,
      bytes: 0,
      items: 0,
      sent: 0,
      acked: 0,
      refused: {},
      latencies: [],
    };
    this.#result = r;
    this.#end = Date.now() + cmd.durationMs;
    for (const s of socks) {
      const sampled = s.index % cmd.sampleEvery === 0;
      s.onFrame = (frame, at, bytes) => {
        const tick = frame.notification?.danmakuTick;
        if (tick) {
          r.frames++;
          r.bytes += bytes;
          for (const item of tick.items ?? []) {
            r.items++;
            const sentAt = stampOf(item.text ?? "");
            if (sampled && sentAt !== null) r.latencies.push(at - sentAt);
          }
          return;
        }
        const res = frame.response;
        if (res && frame.type === T.DANMAKU) {
          if (res.status === liveroom.Status.OK) r.acked++;
          else {
            const code = liveroom.Code[res.code ?? 0] ?? String(res.code);
            r.refused[code] = (r.refused[code] ?? 0) + 1;
          }
        }
      };
    }
    cmd.senders.forEach((local, k) => {
      const s = socks[local];
      if (s === undefined) return;
      let n = 0;
      const send = () => {
        if (Date.now() >= this.#end || s.ws.readyState !== s.ws.OPEN) return;
        const sentAt = now();
        const text = stampedText(sentAt);
        if (cmd.mode === "liveroom") sendRequest(s, T.DANMAKU, { danmaku: { text, streamTsMs: 0 } });
        else {
          n++;
          const item = { id: s.index * 100_000 + n, userId: s.user, text, streamTsMs: 0 };
          const notification = { roomSeq: 0, danmakuTick: { tick: n, items: [item] } };
          s.ws.send(liveroom.Frame.encode({ type: T.DANMAKU_TICK, notification }).finish());
        }
        r.sent++;
      };
      const first = (k / cmd.senders.length) * cmd.intervalMs;
      this.#timers.push(
        setTimeout(() => {
          send();
          this.#timers.push(setInterval(send, cmd.intervalMs));
        }, first),
      );
    });
  }

  async wait(settleMs: number): Promise<DanmakuResult> {
    await sleep(Math.max(0, this.#end - Date.now()));
    for (const t of this.#timers) clearTimeout(t);
    await sleep(settleMs);
    for (const s of this.socks) s.onFrame = null;
    return this.#result;
  }
}
