// Answer burst, client side: every socket answers at its offset into the window (room clock,
// read from the QUESTION frame) and records what came back.
import { liveroom } from "../../schema/proto";
import type { AnswerArmCmd, AnswerRecord, AnswerResult } from "./protocol";
import { now, type Sock, sendRequest, until } from "./socks";

const T = liveroom.Type;
const DUPLICATE_AFTER_MS = 20;

export class AnswerRun {
  readonly #records: AnswerRecord[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #sent = 0;
  #deadlineMs = 0;
  #windowMs = 0;
  #scheduled = 0;

  constructor(
    readonly cmd: AnswerArmCmd,
    readonly socks: readonly Sock[],
  ) {
    const dup = new Set(cmd.duplicates);
    for (const s of socks) {
      const i = s.index;
      const pending = new Map<number, { sentAt: number; offsetMs: number }>();
      let asked = false;
      const answer = (offsetMs: number) => {
        if (s.ws.readyState !== s.ws.OPEN) return;
        const seq = sendRequest(s, T.ANSWER, { answer: { question: cmd.question, option: cmd.option } });
        pending.set(seq, { sentAt: now(), offsetMs });
        this.#sent++;
      };
      s.onFrame = (frame, at) => {
        const q = frame.notification?.question;
        if (q && q.question === cmd.question && !asked) {
          asked = true;
          this.#deadlineMs = Number(q.deadlineMs);
          this.#windowMs = q.windowMs ?? 0;
          const openedAt = this.#deadlineMs - this.#windowMs;
          const offset = cmd.offsetsMs[i] ?? 0;
          const wait = Math.max(0, openedAt + offset - Date.now());
          this.#scheduled += dup.has(i) ? 2 : 1;
          this.#timers.push(setTimeout(() => answer(offset), wait));
          if (dup.has(i)) {
            this.#timers.push(
              setTimeout(() => answer(offset + DUPLICATE_AFTER_MS), wait + DUPLICATE_AFTER_MS),
            );
          }
          return;
        }
        const r = frame.response;
        if (r && frame.type === T.ANSWER) {
          const p = pending.get(frame.seq);
          if (p === undefined) return;
          pending.delete(frame.seq);
          this.#records.push({
            user: s.user,
            sentAt: p.sentAt,
            recvAt: at,
            status: r.status ?? 0,
            code: r.code ?? 0,
            offsetMs: p.offsetMs,
            sealedBytes: r.answer?.sealed?.length ?? 0,
          });
        }
      };
    }
  }

  async wait(timeoutMs: number): Promise<AnswerResult> {
    // Every socket first has to see the question; then every scheduled answer has to come back.
    await until(
      () =>
        this.#scheduled === this.socks.length + this.cmd.duplicates.length &&
        this.#records.length >= this.#scheduled,
      timeoutMs,
    );
    for (const t of this.#timers) clearTimeout(t);
    for (const s of this.socks) s.onFrame = null;
    return {
      records: this.#records,
      unanswered: this.#sent - this.#records.length,
      deadlineMs: this.#deadlineMs,
      windowMs: this.#windowMs,
    };
  }
}
