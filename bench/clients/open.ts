// Opening sockets, paced: at most `concurrency` handshakes in flight, all within `timeoutMs`.
import { WebSocket } from "ws";
import { liveroom } from "../../schema/proto";
import { benchToken } from "../tokens";
import type { OpenCmd, OpenResult } from "./protocol";
import { now, type Sock, sendRequest, toBytes } from "./socks";

const T = liveroom.Type;

export async function openSockets(c: OpenCmd, into: Sock[], armed: () => boolean): Promise<OpenResult> {
  const n = c.users?.length ?? c.count;
  const tokens =
    c.sign && c.users !== null ? await Promise.all(c.users.map((u) => benchToken(u, "viewer"))) : null;
  const start = now();
  const deadline = Date.now() + c.timeoutMs;
  const result: OpenResult = {
    opened: 0,
    failed: 0,
    errors: [],
    handshakeMs: [],
    resumedMs: [],
    replayed: 0,
    gaps: 0,
    elapsedMs: 0,
  };
  const fail = (why: string) => {
    result.failed++;
    if (result.errors.length < 5) result.errors.push(why);
  };

  const one = async (i: number): Promise<void> => {
    const query = tokens === null ? "" : `?token=${tokens[i]}`;
    const ws = new WebSocket(`${c.wsBase}${c.path}${query}`, {
      perMessageDeflate: false,
      handshakeTimeout: Math.max(1000, deadline - Date.now()),
    });
    const s: Sock = {
      ws,
      index: i,
      user: c.users?.[i] ?? `anon-${i}`,
      seq: 0,
      first: 0,
      firstData: null,
      onFrame: null,
      texts: 0,
    };
    ws.on("message", (data, isBinary) => {
      const at = now();
      if (!isBinary) {
        s.texts++;
        return;
      }
      if (s.first === 0 && armed()) {
        s.first = at;
        s.firstData = data;
      }
      if (s.onFrame !== null) {
        const bytes = toBytes(data);
        s.onFrame(liveroom.Frame.decode(bytes), at, bytes.length);
      }
    });
    const opened = await new Promise<boolean>((resolve) => {
      ws.once("open", () => resolve(true));
      ws.once("error", (err) => {
        fail(String(err.message));
        resolve(false);
      });
    });
    if (!opened) return;
    result.opened++;
    result.handshakeMs.push(now() - start);
    mine.push(s);
    if (c.resumeAfter !== null) await resume(s, c.resumeAfter, deadline, result, start);
  };

  const mine: Sock[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, c.concurrency) }, async () => {
    while (next < n && Date.now() < deadline) await one(next++);
  });
  await Promise.all(lanes);
  // Handshakes finish out of order; keep the sockets in the order of their users.
  into.push(...mine.sort((a, b) => a.index - b.index));
  result.failed += n - result.opened - result.failed;
  result.elapsedMs = now() - start;
  return result;
}

/** RESUME { after_seq } and wait for the answer and every replayed frame it announces. */
function resume(s: Sock, afterSeq: number, deadline: number, r: OpenResult, start: number): Promise<void> {
  return new Promise((resolve) => {
    let expected = -1;
    let got = 0;
    const timer = setTimeout(
      () => {
        s.onFrame = null;
        r.errors.length < 5 && r.errors.push(`resume of ${s.user} timed out`);
        resolve();
      },
      Math.max(0, deadline - Date.now()),
    );
    const finish = () => {
      clearTimeout(timer);
      s.onFrame = null;
      r.resumedMs.push(now() - start);
      r.replayed += got;
      resolve();
    };
    s.onFrame = (frame) => {
      if (frame.response && frame.type === T.RESUME) {
        const res = frame.response.resumed;
        if (frame.response.status !== liveroom.Status.OK || !res) {
          r.errors.length < 5 && r.errors.push(`resume refused: ${frame.response.code}`);
          return finish();
        }
        if (res.gap) r.gaps++;
        expected = Math.max(0, (res.toSeq ?? 0) - (res.fromSeq ?? 0) + 1);
      } else if (frame.notification && (frame.notification.roomSeq ?? 0) > afterSeq) {
        got++;
      }
      if (expected >= 0 && got >= expected) finish();
    };
    sendRequest(s, T.RESUME, { resume: { afterSeq } });
  });
}
