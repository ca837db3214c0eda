// Scenario 7, wire sizes: the bytes of each frame a big room sends most, as protobuf (the real
// encoder, schema/proto.ts) and as the same content in JSON (field names as in the .proto,
// bytes as base64). Pure: no runtime involved.
import { liveroom } from "../../schema/proto";

export interface WireRow {
  frame: string;
  protobuf: number;
  json: number;
  note: string;
}

const T = liveroom.Type;
const KEY = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
// Figures of a large live room: epoch-ms deadline, an hour into the stream, a high room sequence.
const DEADLINE_MS = 1_780_000_000_000;
const STREAM_TS = 3_600_000;
const ROOM_SEQ = 12_345;

interface Sample {
  frame: string;
  note: string;
  message: liveroom.Frame.$Properties;
  /** The frame as the JSON a JSON protocol would send (bytes as base64). */
  json: unknown;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

function samples(): Sample[] {
  const question = {
    question: 3,
    text: "Question 4: which of these planets is the largest in the solar system?",
    options: ["Mercury", "Jupiter", "Mars", "Venus"],
    deadlineMs: DEADLINE_MS,
    windowMs: 10_000,
    streamTsMs: STREAM_TS,
    questionCount: 12,
  };
  const reveal = {
    question: 3,
    correct: 1,
    key: KEY,
    counts: [1_234, 456_789, 23_456, 789],
    streamTsMs: STREAM_TS,
  };
  // 39 CJK characters and 13 digits: 130 bytes, the room's limit.
  const text = `${"弹幕测试直播间答题红包雨点赞礼物欢迎来到现场一起看节目大家好今天天".slice(0, 39)}1780000000000`;
  const tick = {
    tick: 18_000,
    streamTsMs: STREAM_TS,
    items: [0, 1, 2, 3].map((i) => ({
      id: 70_000 + i,
      userId: `viewer-${1000 + i}`,
      text,
      streamTsMs: STREAM_TS,
    })),
    dropped: 3,
  };
  const small = { question: 0, correct: 1, key: KEY, counts: [12, 345, 23, 7], streamTsMs: 95_000 };
  const rainStarted = {
    rain: 0,
    packets: 50_000,
    packetsLeft: 50_000,
    endsAtMs: DEADLINE_MS,
    throttlePpm: 20_000,
    cap: 3,
    streamTsMs: STREAM_TS,
  };
  const notification = (type: number, event: object): Sample["message"] => ({
    type,
    notification: { roomSeq: ROOM_SEQ, ...event },
  });
  return [
    {
      frame: "QUESTION",
      note: "70-character question, 4 options",
      message: notification(T.QUESTION, { question }),
      json: { type: T.QUESTION, notification: { roomSeq: ROOM_SEQ, question } },
    },
    {
      frame: "ANSWER_REVEALED",
      note: "16-byte key, 4 counts up to 456,789",
      message: notification(T.ANSWER_REVEALED, { reveal }),
      json: {
        type: T.ANSWER_REVEALED,
        notification: { roomSeq: ROOM_SEQ, reveal: { ...reveal, key: b64(KEY) } },
      },
    },
    {
      frame: "ANSWER_REVEALED (small room)",
      note: "same, counts under 1,000, room seq 9, 95 s into the stream",
      message: { type: T.ANSWER_REVEALED, notification: { roomSeq: 9, reveal: small } },
      json: { type: T.ANSWER_REVEALED, notification: { roomSeq: 9, reveal: { ...small, key: b64(KEY) } } },
    },
    {
      frame: "heartbeat",
      note: "text frame, answered by the runtime",
      message: { type: T.HEARTBEAT },
      json: { type: T.HEARTBEAT },
    },
    {
      frame: "ANSWER request",
      note: "viewer → room",
      message: { type: T.ANSWER, seq: 17, request: { answer: { question: 3, option: 1 } } },
      json: { type: T.ANSWER, seq: 17, request: { answer: { question: 3, option: 1 } } },
    },
    {
      frame: "ANSWER response",
      note: "sealed one-byte result",
      message: {
        type: T.ANSWER,
        seq: 17,
        response: { status: 1, answer: { question: 3, sealed: Uint8Array.of(0x5a) } },
      },
      json: {
        type: T.ANSWER,
        seq: 17,
        response: { status: 1, answer: { question: 3, sealed: b64(Uint8Array.of(0x5a)) } },
      },
    },
    {
      frame: "DANMAKU_TICK",
      note: "4 danmaku of 130 UTF-8 bytes (the most a 200 ms tick shows)",
      message: { type: T.DANMAKU_TICK, notification: { roomSeq: 0, danmakuTick: tick } },
      json: { type: T.DANMAKU_TICK, notification: { roomSeq: 0, danmakuTick: tick } },
    },
    {
      frame: "RAIN_STARTED",
      note: "50,000 packets, 2 % throttle",
      message: notification(T.RAIN_STARTED, { rainStarted }),
      json: { type: T.RAIN_STARTED, notification: { roomSeq: ROOM_SEQ, rainStarted } },
    },
    {
      frame: "GRAB response",
      note: "a granted packet",
      message: {
        type: T.GRAB,
        seq: 40,
        response: { status: 1, grab: { rain: 0, amountCents: 188, grabbed: 1 } },
      },
      json: {
        type: T.GRAB,
        seq: 40,
        response: { status: 1, grab: { rain: 0, amountCents: 188, grabbed: 1 } },
      },
    },
  ];
}

/** Protobuf and JSON sizes of each sample frame, in bytes. */
export function wireSizes(): WireRow[] {
  return samples().map((s) => {
    const bytes = liveroom.Frame.encode(s.message).finish();
    if (liveroom.Frame.decode(bytes).type !== s.message.type)
      throw new Error(`${s.frame} did not round-trip`);
    return {
      frame: s.frame,
      protobuf: bytes.length,
      json: new TextEncoder().encode(JSON.stringify(s.json)).length,
      note: s.note,
    };
  });
}
