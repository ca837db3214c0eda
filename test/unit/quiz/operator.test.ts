import { describe, expect, it } from "vitest";
import {
  decideClose,
  decideEnd,
  decideOpen,
  decidePush,
  decideReveal,
} from "../../../durable-objects/features/quiz/operator";
import { initialRoomState, type RoomState } from "../../../durable-objects/features/quiz/state";
import { activity, asking } from "./fixtures";

const created: RoomState = { ...initialRoomState, activity };
const lobby: RoomState = { ...created, phase: "lobby" };
const push = (room: RoomState, question: number) =>
  decidePush(room, { question, nowMs: 1_000, streamTsMs: 42, keyB64: "k" });

describe("operator decisions", () => {
  it("opens once", () => {
    expect(decideOpen(created)).toEqual({ kind: "ok", room: lobby });
    expect(decideOpen(lobby)).toMatchObject({ kind: "rejected", code: "NOT_ALLOWED_NOW" });
    expect(decideOpen(initialRoomState)).toMatchObject({ kind: "rejected", code: "ACTIVITY_NOT_FOUND" });
  });

  it("pushes the first question from the lobby with the room's deadline", () => {
    expect(push(lobby, 0)).toEqual({
      kind: "ok",
      room: {
        ...lobby,
        phase: "asking",
        current: { index: 0, deadlineMs: 11_000, windowMs: 10_000, streamTsMs: 42, keyB64: "k" },
      },
    });
  });

  it("pushes only the next question, and only after a reveal", () => {
    expect(push(created, 0)).toMatchObject({ kind: "rejected", code: "NOT_ALLOWED_NOW" });
    expect(push(lobby, 1)).toMatchObject({ kind: "rejected", code: "WRONG_QUESTION" });
    expect(push(lobby, 3)).toMatchObject({ kind: "rejected", code: "UNKNOWN_QUESTION" });
    expect(push(asking(0), 1)).toMatchObject({ kind: "rejected", code: "NOT_ALLOWED_NOW" });
    const revealed: RoomState = { ...asking(0), phase: "revealed" };
    expect(push(revealed, 1)).toMatchObject({ kind: "ok", room: { phase: "asking", current: { index: 1 } } });
    expect(push(revealed, 2)).toMatchObject({ kind: "rejected", code: "WRONG_QUESTION" });
  });

  it("closes an open window once", () => {
    const closed = decideClose(asking(1));
    expect(closed).toEqual({ kind: "close", question: 1, room: { ...asking(1), phase: "closed" } });
    expect(decideClose({ ...asking(1), phase: "closed" })).toEqual({ kind: "none" });
  });

  it("reveals the current question with its key and counts", () => {
    const closed: RoomState = { ...asking(1), phase: "closed" };
    const d = decideReveal(closed, { question: 1, counts: [4, 1, 0], streamTsMs: 77 });
    expect(d).toMatchObject({
      kind: "ok",
      room: { phase: "revealed" },
      reveal: {
        question: 1,
        correct: 0,
        keyB64: "AAAAAAAAAAAAAAAAAAAAAA==",
        counts: [4, 1, 0],
        streamTsMs: 77,
      },
    });
    expect(decideReveal(closed, { question: 0, counts: [], streamTsMs: 0 })).toMatchObject({
      code: "WRONG_QUESTION",
    });
    expect(decideReveal(asking(1), { question: 1, counts: [], streamTsMs: 0 })).toMatchObject({
      code: "NOT_ALLOWED_NOW",
    });
  });

  it("ends only after the last reveal, splitting the pool exactly", () => {
    expect(decideEnd({ ...asking(1), phase: "revealed" }, ["a"])).toMatchObject({ code: "NOT_ALLOWED_NOW" });
    const d = decideEnd({ ...asking(2), phase: "revealed" }, ["x", "y", "z"]);
    expect(d).toMatchObject({
      kind: "ok",
      room: {
        phase: "ended",
        gameOver: { prizePoolCents: 100_000, winners: 3, baseShareCents: 33_333, remainder: 1 },
      },
    });
  });
});
