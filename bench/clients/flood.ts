// Flood, client side (issue 12 item 1): the process's first socket, opened without a token, writes
// `frames` binary frames `08 FF` (2 bytes, not a Frame) as fast as it can, in chunks so its close is
// seen between them. Stops at `frames`, on close, or at `maxMs`; records what the room answered.
import { liveroom } from "../../schema/proto";
import type { FloodCmd, FloodResult } from "./protocol";
import { now, type Sock, sleep, until } from "./socks";

const FRAME = Uint8Array.of(0x08, 0xff);

export async function flood(c: FloodCmd, s: Sock | undefined): Promise<FloodResult> {
  if (s === undefined) throw new Error("flood: no socket open in this process");
  const ws = s.ws;
  const start = now();
  const result: FloodResult = {
    startedAt: start,
    handed: 0,
    flushed: 0,
    loopMs: 0,
    responses: {},
    notifications: 0,
    firstResponseMs: Number.NaN,
    closeCode: 0,
    closeReason: "",
    closeMs: Number.NaN,
    closedBeforeLoopEnd: false,
  };
  const C = liveroom.Code;
  s.onFrame = (frame, at) => {
    if (frame.response) {
      const name = C[frame.response.code ?? 0] ?? String(frame.response.code);
      result.responses[name] = (result.responses[name] ?? 0) + 1;
      if (Number.isNaN(result.firstResponseMs)) result.firstResponseMs = at - start;
    } else if (frame.notification) result.notifications++;
  };
  let closed = ws.readyState !== ws.OPEN;
  ws.once("close", (code, reason) => {
    closed = true;
    result.closeCode = code;
    result.closeReason = reason.toString();
    result.closeMs = now() - start;
  });
  const flushed = (err?: Error) => {
    if (err === undefined || err === null) result.flushed++;
  };
  const deadline = Date.now() + c.maxMs;
  while (result.handed < c.frames && !closed && ws.readyState === ws.OPEN && Date.now() < deadline) {
    const k = Math.min(c.chunk, c.frames - result.handed);
    for (let i = 0; i < k; i++) ws.send(FRAME, { binary: true }, flushed);
    result.handed += k;
    // Let the close (and the room's answers) in between chunks.
    await new Promise<void>((r) => setImmediate(r));
  }
  result.loopMs = now() - start;
  result.closedBeforeLoopEnd = closed;
  // Then wait for the room to close the socket (or for the wait to end).
  await until(() => closed, c.closeWaitMs);
  await sleep(50);
  s.onFrame = null;
  if (!closed) ws.terminate();
  return result;
}
