// Settling a simulated show (issue 14): waits until every shard's outbox reached the ledger through the
// real Queue (running the rooms' alarms on their clocks so failed drains are retried), lets every
// delivery still in the Queue land, repairs with reconciliation and reads the room's record; then
// the planned withdrawal over HTTP, once or twice with one idempotency key.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import type { RoomSettlementEntry } from "../../durable-objects/features/settlement/record";
import { userAccount } from "../../workers/ledger/accounts";
import { type ReconcileReport, reconcile } from "../../workers/settlement/reconcile-run";
import { roomRecord } from "../workers/support/game";
import { balance } from "../workers/support/ledger";
import { advanceClock, token } from "../workers/support/raw-client";
import type { SimPlan } from "./plan";
import { type SimRoom, Violation } from "./room";

const POLL_MS = 100;

/**
 * Waits until the Queue delivered everything sent to it so far: a marker sent behind those messages
 * is recorded as an INVALID_EVENT issue once the consumer reaches it (the local Queue keeps order).
 */
async function queueDelivered(tag: string): Promise<void> {
  const body = JSON.stringify({ queueMarker: tag, at: Date.now() });
  await env.SETTLEMENT.send(JSON.parse(body));
  const marked = () =>
    env.DB.prepare("SELECT code FROM settlement_issues WHERE body = ?").bind(body).first<{ code: string }>();
  try {
    await vi.waitUntil(async () => (await marked()) !== null, { timeout: 20_000, interval: 50 });
  } catch {
    throw new Violation("the settlement Queue never reached a marker sent behind the room's messages");
  }
}

function brief(report: ReconcileReport): string {
  const r = report.activities[0]!;
  return JSON.stringify({ ok: r.ok, differences: r.differences.slice(0, 3), issues: r.issues.slice(0, 3) });
}

/** Settles the room; its whole record once reconciliation, after repair, reports nothing. */
export async function settle(room: SimRoom, _plan: SimPlan): Promise<RoomSettlementEntry[]> {
  const a = room.activityId;
  const check = () => reconcile(env, { activityIds: [a], repair: false, nowMs: Date.now() });
  for (let i = 0; ; i++) {
    const report = await check();
    const unsent = (await roomRecord(a)).filter((e) => e.sentMs === null).length;
    if (report.activities[0]!.ok && unsent === 0) break;
    if (i >= 300) throw new Violation(`the room never settled: ${unsent} unsent, ${brief(report)}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
    // A drain or an award that failed is retried from the objects' alarms, on the rooms' clock.
    if (i % 10 === 9) {
      await advanceClock(a, 5_000);
      for (let k = 0; k < room.shards; k++) await runDurableObjectAlarm(room.stub(k));
    }
  }
  await queueDelivered(a);
  await reconcile(env, { activityIds: [a], repair: true, nowMs: Date.now() });
  const after = await check();
  const r = after.activities[0]!;
  if (!r.ok || r.differences.length > 0 || r.issues.length > 0)
    throw new Violation(`reconciliation after repair: ${brief(after)}`);
  if (after.ledger.sumOfBalancesCents !== 0)
    throw new Violation(`sum of balances ${after.ledger.sumOfBalancesCents}`);
  if (after.ledger.driftedAccounts.length > 0)
    throw new Violation(`drifted accounts ${JSON.stringify(after.ledger.driftedAccounts.slice(0, 3))}`);
  return roomRecord(a);
}

export interface Withdrawn {
  userId: string;
  amountCents: number;
}

async function post(userId: string, key: string, amountCents: number) {
  const res = await exports.default.fetch("http://liveroom.test/api/me/withdrawals", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await token(userId)}`,
      "Content-Type": "application/json",
      "Idempotency-Key": key,
    },
    body: JSON.stringify({ amountCents }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { withdrawal?: { id: string; amountCents: number } },
  };
}

/** The planned player withdraws a share of what they won (nothing when they won nothing). */
export async function withdraw(
  plan: SimPlan,
  ids: ReadonlyMap<string, string>,
  _record: readonly RoomSettlementEntry[],
): Promise<Withdrawn | null> {
  const userId = ids.get(plan.players[plan.withdrawal.player]!.name)!;
  const won = await balance(userAccount(userId));
  if (won <= 0) return null;
  const amountCents = Math.max(1, Math.floor((won * plan.withdrawal.perMille) / 1000));
  const key = `sim-withdrawal-${plan.seed}`;
  const first = await post(userId, key, amountCents);
  if (first.status !== 201)
    throw new Violation(`withdrawal of ${amountCents}: ${first.status} ${JSON.stringify(first.body)}`);
  if (plan.withdrawal.twice) {
    const again = await post(userId, key, amountCents);
    if (again.status !== 200 || again.body.withdrawal?.id !== first.body.withdrawal?.id)
      throw new Violation(`withdrawal retried: ${again.status} ${JSON.stringify(again.body)}`);
  }
  return { userId, amountCents };
}
