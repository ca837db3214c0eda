// Drives whole games for the settlement tests: players answer over real sockets, the host acts by RPC.
import { expect } from "vitest";
import type { ActivityConfig, QuestionConfig, RainConfig } from "../../../schema/activity";
import type { ControlOp } from "../../../durable-objects/control";
import type { RoomSettlementEntry } from "../../../durable-objects/features/settlement/record";
import { liveroom } from "../../../schema/proto";
import { createActivity, createUser, RawClient, roomStub, shardStubs, uniqueId } from "./raw-client";

/** Two-option questions whose correct option is 1. */
export function questions(n: number): QuestionConfig[] {
  return Array.from({ length: n }, (_, i) => ({ text: `q${i}`, options: ["no", "yes"], correct: 1 }));
}

/**
 * A rain of `count` packets summing to `totalCents`, split from `seed`: a test reads the amounts
 * with `rainPackets(rain)`, as the room does. `count === totalCents` makes every packet 1 cent.
 */
export function rainOf(totalCents: number, count: number, seed = "test"): RainConfig {
  return { totalCents, count, targetTapsPerSec: 100_000, durationMs: 60_000, seed };
}

/** Runs one operator control in the room and fails the test if the room refuses it. */
export async function control(activityId: string, op: ControlOp): Promise<void> {
  const result = await roomStub(activityId).control(activityId, op);
  if (!result.ok) throw new Error(`${op.kind}: ${result.codeName} ${result.message}`);
}

/** A player in a planned game: revival cards held, an option per question (null: no answer). */
export interface PlannedPlayer {
  name: string;
  cards?: number;
  answers: (number | null)[];
}

/** An activity opened with players connected, ready to be played question by question. */
export interface OpenGame {
  activity: ActivityConfig;
  ids: Record<string, string>;
  clients: Record<string, RawClient>;
}

/** Creates the activity and the users, connects every player and opens the room. */
export async function openGame(
  players: readonly PlannedPlayer[],
  over: Partial<ActivityConfig> & { questions: QuestionConfig[] },
): Promise<OpenGame> {
  const activity = await createActivity(over);
  const p = uniqueId("pl");
  const ids: Record<string, string> = {};
  const clients: Record<string, RawClient> = {};
  for (const player of players) {
    ids[player.name] = `${p}-${player.name}`;
    if (player.cards !== undefined) await createUser(ids[player.name]!, player.cards);
    clients[player.name] = await RawClient.join(activity.id, ids[player.name]!);
  }
  await control(activity.id, { kind: "open" });
  return { activity, ids, clients };
}

/** Plays every question (push, the planned answers, reveal). */
export async function playQuestions(game: OpenGame, players: readonly PlannedPlayer[]): Promise<void> {
  for (let q = 0; q < game.activity.questions.length; q++) {
    await control(game.activity.id, { kind: "push", question: q, streamTsMs: 0 });
    for (const player of players) {
      const option = player.answers[q];
      if (option === null || option === undefined) continue;
      const res = await game.clients[player.name]!.answer(q, option);
      // Eliminated players' answers are refused; that is part of the game.
      expect([liveroom.Status.OK, liveroom.Status.FAILED]).toContain(res.status);
    }
    await control(game.activity.id, { kind: "reveal", question: q, streamTsMs: 0 });
  }
}

/** Grabs one packet of `rain` for a player; the granted cents, or null when refused. */
export async function grab(client: RawClient, rain: number): Promise<number | null> {
  const res = await client.request(liveroom.Type.GRAB, { grab: { rain } });
  return res.status === liveroom.Status.OK ? Number(res.grab!.amountCents) : null;
}

/** The room's whole settlement record (every shard's outbox), read by RPC as reconciliation reads it. */
export async function roomRecord(activityId: string): Promise<RoomSettlementEntry[]> {
  const entries: RoomSettlementEntry[] = [];
  for (const stub of await shardStubs(activityId)) {
    let after: string | null = null;
    do {
      const page = await stub.settlementRecord(after);
      entries.push(...page.entries);
      after = page.nextAfterKey;
    } while (after !== null);
  }
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What the room says each user won, in cents (prizes and red packets). */
export function wonByUser(entries: readonly RoomSettlementEntry[]): Map<string, number> {
  const won = new Map<string, number>();
  for (const e of entries) {
    if ((e.kind === "prize" || e.kind === "red_packet") && e.userId !== null) {
      won.set(e.userId, (won.get(e.userId) ?? 0) + e.amountCents);
    }
  }
  return won;
}

/** Closes every socket of a game. */
export function closeAll(game: OpenGame): void {
  for (const c of Object.values(game.clients)) c.close();
}
