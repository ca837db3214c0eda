// A client process: Node `ws` sockets on loopback, driven by the runner over IPC (child_process.fork).
import { AnswerRun } from "./answers";
import { DanmakuRun } from "./danmaku";
import { flood } from "./flood";
import { GrabRun } from "./grabs";
import { openSockets } from "./open";
import { ReconnectStorm } from "./reconnect";
import type { CollectResult, Command, HeartbeatCmd, HeartbeatResult, Reply, Request } from "./protocol";
import { type Sock, sleep, toBytes, until } from "./socks";

const HEARTBEAT_TEXT = "\x08\x01";

let socks: Sock[] = [];
let armed = false;
let answers: AnswerRun | null = null;
let grabs: GrabRun | null = null;
let danmaku: DanmakuRun | null = null;
let storm: ReconnectStorm | null = null;

async function dispatch(c: Command): Promise<unknown> {
  switch (c.cmd) {
    case "open":
      return openSockets(c, socks, () => armed);
    case "arm":
      for (const s of socks) {
        s.first = 0;
        s.firstData = null;
      }
      armed = true;
      return null;
    case "collect":
      return collect(c.timeoutMs);
    case "answerArm":
      answers = new AnswerRun(c, socks);
      return null;
    case "answerWait":
      return answers?.wait(c.timeoutMs) ?? Promise.reject(new Error("answerWait before answerArm"));
    case "grabArm":
      grabs = new GrabRun(c, socks);
      return null;
    case "grabWait":
      return grabs?.wait(c.timeoutMs) ?? Promise.reject(new Error("grabWait before grabArm"));
    case "danmakuArm":
      danmaku = new DanmakuRun(c, socks);
      return null;
    case "danmakuWait":
      return danmaku?.wait(c.timeoutMs) ?? Promise.reject(new Error("danmakuWait before danmakuArm"));
    case "heartbeat":
      return heartbeat(c);
    case "flood":
      return flood(c, socks[0]);
    case "authAll":
      storm = new ReconnectStorm(socks);
      return storm.authAll(c.timeoutMs);
    case "stormArm":
      return storm?.arm(c) ?? Promise.reject(new Error("stormArm before authAll"));
    case "stormWait":
      return storm?.wait(c.targetSeq, c.timeoutMs) ?? Promise.reject(new Error("stormWait before authAll"));
    case "close":
      storm?.stop();
      storm = null;
      return close(c.timeoutMs);
  }
}

async function collect(timeoutMs: number): Promise<CollectResult> {
  await until(() => socks.every((s) => s.first !== 0), timeoutMs);
  armed = false;
  const sample = socks[0]?.firstData;
  const bytes = sample == null ? new Uint8Array() : toBytes(sample);
  return {
    arrivals: socks.map((s) => (s.first === 0 ? Number.NaN : s.first)),
    bytes: bytes.length,
    sampleB64: Buffer.from(bytes).toString("base64"),
  };
}

/** Every socket beats every `intervalMs`, staggered evenly, for `durationMs`. */
async function heartbeat(c: HeartbeatCmd): Promise<HeartbeatResult> {
  const textsBefore = socks.reduce((n, s) => n + s.texts, 0);
  let sent = 0;
  let otherFrames = 0;
  for (const s of socks) {
    s.onFrame = () => {
      otherFrames++;
    };
  }
  const timers = socks.map((s, i) => {
    const beat = () => {
      if (s.ws.readyState !== s.ws.OPEN) return;
      s.ws.send(HEARTBEAT_TEXT);
      sent++;
    };
    const first = setTimeout(
      () => {
        beat();
        const every = setInterval(beat, c.intervalMs);
        timers[i] = every;
      },
      (i / socks.length) * c.intervalMs,
    );
    return first;
  });
  await sleep(c.durationMs);
  for (const t of timers) clearTimeout(t);
  await sleep(500);
  for (const s of socks) s.onFrame = null;
  return {
    sent,
    echoed: socks.reduce((n, s) => n + s.texts, 0) - textsBefore,
    otherFrames,
    closed: socks.filter((s) => s.ws.readyState !== s.ws.OPEN).length,
  };
}

async function close(timeoutMs: number): Promise<{ closed: number; elapsedMs: number }> {
  const start = Date.now();
  let closed = 0;
  await Promise.all(
    socks.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.ws.readyState === s.ws.CLOSED) {
            closed++;
            return resolve();
          }
          const t = setTimeout(() => {
            s.ws.terminate();
            resolve();
          }, timeoutMs);
          s.ws.once("close", () => {
            clearTimeout(t);
            closed++;
            resolve();
          });
          s.ws.close(1000);
        }),
    ),
  );
  socks = [];
  return { closed, elapsedMs: Date.now() - start };
}

process.on("message", (req: Request) => {
  dispatch(req).then(
    (result) => process.send?.({ id: req.id, ok: true, result } satisfies Reply),
    (err: unknown) => process.send?.({ id: req.id, ok: false, error: String(err) } satisfies Reply),
  );
});
process.on("disconnect", () => process.exit(0));
