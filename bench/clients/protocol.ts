// Commands the runner sends to a client process over IPC, and what each answers.

export interface OpenCmd {
  cmd: "open";
  /** ws://127.0.0.1:<port> */
  wsBase: string;
  path: string;
  /** One user per socket; null: anonymous sockets (baselines), `count` of them. */
  users: string[] | null;
  count: number;
  /** Sign a viewer token per user and pass it as `?token=`. */
  sign: boolean;
  /** Handshakes in flight at once (pacing, so the listen backlog does not drop SYNs). */
  concurrency: number;
  timeoutMs: number;
  /** Send RESUME { after_seq } as soon as each socket is open, and wait for the replay. */
  resumeAfter: number | null;
}

export interface OpenResult {
  opened: number;
  failed: number;
  errors: string[];
  /** Per opened socket: ms from the command to the upgrade's 101. */
  handshakeMs: number[];
  /** Per resumed socket: ms from the command until the Resumed answer and its replay arrived. */
  resumedMs: number[];
  replayed: number;
  gaps: number;
  elapsedMs: number;
}

export interface CollectResult {
  /** Epoch ms (fractional) of each socket's first binary frame after `arm`; NaN if none came. */
  arrivals: number[];
  bytes: number;
  sampleB64: string;
}

export interface AnswerArmCmd {
  cmd: "answerArm";
  question: number;
  option: number;
  /** Per local socket: when to answer, in ms after the window opened (room clock). */
  offsetsMs: number[];
  /** Sockets (local indexes) that send a second answer 20 ms after their first. */
  duplicates: number[];
}

export interface AnswerRecord {
  user: string;
  sentAt: number;
  recvAt: number;
  status: number;
  code: number;
  /** Ms after the window opened that the answer was sent. */
  offsetMs: number;
  sealedBytes: number;
}

export interface AnswerResult {
  records: AnswerRecord[];
  /** Answers sent that got no response before the wait ended. */
  unanswered: number;
  deadlineMs: number;
  windowMs: number;
}

export interface GrabArmCmd {
  cmd: "grabArm";
  rain: number;
  /** Taps per second per player; each tap becomes a GRAB with the room's throttle probability. */
  tapHz: number;
  maxMs: number;
}

export interface GrabRecord {
  sentAt: number;
  recvAt: number;
  status: number;
  code: number;
  amountCents: number;
  grabbed: number;
  user: string;
}

export interface GrabResult {
  records: GrabRecord[];
  taps: number;
  unanswered: number;
  /** The throttle factors (ppm) seen, in order, on socket 0. */
  throttles: number[];
}

export interface HeartbeatCmd {
  cmd: "heartbeat";
  intervalMs: number;
  durationMs: number;
}

export interface HeartbeatResult {
  sent: number;
  echoed: number;
  otherFrames: number;
  closed: number;
}

export interface DanmakuArmCmd {
  cmd: "danmakuArm";
  /** liveroom: DANMAKU requests, shown in the room's ticks; relay: each danmaku sent as its own frame
   *  to a room that re-sends every binary frame to every socket (the bare DO). */
  mode: "liveroom" | "relay";
  /** Local socket indexes that send; each sends one danmaku every `intervalMs`, staggered. */
  senders: number[];
  intervalMs: number;
  durationMs: number;
  /** Record delivery times on every k-th socket (all sockets count frames and bytes). */
  sampleEvery: number;
}

export interface DanmakuResult {
  sockets: number;
  frames: number;
  bytes: number;
  items: number;
  sent: number;
  acked: number;
  refused: Record<string, number>;
  /** ms from send to arrival, on the sampled sockets. */
  latencies: number[];
}

export interface FloodCmd {
  cmd: "flood";
  /** Frames `08 FF` to write on the process's first socket (opened without a token). */
  frames: number;
  /** Frames per synchronous burst; the loop yields between bursts so a close is seen. */
  chunk: number;
  maxMs: number;
  /** After the loop, how long to wait for the room to close the socket. */
  closeWaitMs: number;
}

export interface FloodResult {
  /** Epoch ms when the first frame was handed to the socket. */
  startedAt: number;
  /** Frames handed to `ws.send` before the loop stopped. */
  handed: number;
  /** Of those, frames `ws` wrote to the kernel (its send callback without an error). */
  flushed: number;
  loopMs: number;
  /** Responses the room sent this socket, by code name. */
  responses: Record<string, number>;
  /** Notifications it received (a tokenless socket should get none). */
  notifications: number;
  firstResponseMs: number;
  closeCode: number;
  closeReason: string;
  /** ms from the first frame to the close event; NaN if the socket was not closed. */
  closeMs: number;
  closedBeforeLoopEnd: boolean;
}

export interface AuthAllResult {
  /** Sockets that got their Welcome. */
  welcomed: number;
  failed: number;
  errors: string[];
  /** The Welcome's reconnect_window_ms, smallest and largest seen. */
  windowMinMs: number;
  windowMaxMs: number;
  /** Sockets per shard, from the Welcome's `shard`. */
  perShard: Record<string, number>;
  roomSeq: number;
}

export interface StormArmCmd {
  cmd: "stormArm";
  /** ws://127.0.0.1:<port> and the room's path: where each client reconnects. */
  wsBase: string;
  path: string;
  /** No reconnect attempt starts after this long. */
  maxMs: number;
}

/** One client of a reconnect storm: what it did from its socket's close until it was back. */
export interface StormRecord {
  shard: number;
  windowMs: number;
  /** Epoch ms of the close the deploy caused. */
  closedAt: number;
  /** Epoch ms when the runner said the new version is up: the jitter is counted from here. */
  goAt: number;
  /** The uniform jitter drawn in [0, windowMs). */
  delayMs: number;
  attempts: number;
  /** Attempts refused or dropped before the Welcome (retried with the SDK's backoff). */
  failedAttempts: number;
  /** Epoch ms of the Welcome; NaN if none came. */
  welcomedAt: number;
  /** Epoch ms when the client held every numbered notification up to the target; NaN if never. */
  backAt: number;
  /** RESUME was sent (the Welcome's room_seq was past the last one this client had). */
  resumed: boolean;
  replayed: number;
  /** Sequence numbers between the close and the target that never came (a gap). */
  missing: number;
}

export interface StormWaitResult {
  records: StormRecord[];
  errors: string[];
}

export type Command =
  | OpenCmd
  | { cmd: "arm" }
  | { cmd: "collect"; timeoutMs: number }
  | AnswerArmCmd
  | { cmd: "answerWait"; timeoutMs: number }
  | GrabArmCmd
  | { cmd: "grabWait"; timeoutMs: number }
  | DanmakuArmCmd
  | { cmd: "danmakuWait"; timeoutMs: number }
  | HeartbeatCmd
  | FloodCmd
  | { cmd: "authAll"; timeoutMs: number }
  | StormArmCmd
  | { cmd: "stormWait"; targetSeq: number; timeoutMs: number }
  | { cmd: "close"; timeoutMs: number };

export interface ResultOf {
  open: OpenResult;
  arm: null;
  collect: CollectResult;
  answerArm: null;
  answerWait: AnswerResult;
  grabArm: null;
  grabWait: GrabResult;
  heartbeat: HeartbeatResult;
  danmakuArm: null;
  danmakuWait: DanmakuResult;
  flood: FloodResult;
  authAll: AuthAllResult;
  stormArm: null;
  stormWait: StormWaitResult;
  close: { closed: number; elapsedMs: number };
}

export type Request = Command & { id: number };
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
