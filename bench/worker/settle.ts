// POST /bench/settle/<activity>?from=&count=&dup=&users=&total=&packets=&seed=: puts `count`
// red-packet settlement events for rain 0 of the activity on the settlement Queue, 100 per sendBatch
// (the Queue's limit), the way a room's outbox drain does; every `dup`-th one is sent twice, as an
// at-least-once redelivery. Packet i goes to user `settle-<i mod users>` (default 1,000 users). Each
// packet is 1 cent, or, with `total`, `packets` and `seed`, its amount in the rain's real split.
//
// POST /bench/settle-mode/<one-by-one|batch>: which consumer path this isolate's queue handler takes
// (entry.ts): the batched one (the Worker's own) or the one-message-at-a-time one (its fallback, the
// only path before), so both are measured in one workerd, one after the other.
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { type RedPacketEvent, redPacketEvent } from "../../schema/settlement";
import type { BenchEnv } from "./entry";

const BATCH = 100;

export async function sendSettlement(request: Request, env: BenchEnv, activityId: string): Promise<Response> {
  const q = new URL(request.url).searchParams;
  const from = Number(q.get("from") ?? 0);
  const count = Math.min(Number(q.get("count") ?? 0), 100_000);
  const dup = Number(q.get("dup") ?? 0);
  const users = Number(q.get("users") ?? 1000);
  const total = q.get("total");
  const amounts =
    total === null
      ? null
      : rainPackets({
          totalCents: Number(total),
          count: Number(q.get("packets")),
          seed: q.get("seed") ?? "",
        });
  const events: RedPacketEvent[] = [];
  for (let i = from; i < from + count; i++) {
    const { body: event } = redPacketEvent({
      activityId,
      userId: `settle-${i % users}`,
      rain: 0,
      packetIndex: i,
      amountCents: amounts?.[i] ?? 1,
    });
    events.push(event);
    if (dup > 0 && i % dup === 0) events.push(event);
  }
  for (let i = 0; i < events.length; i += BATCH) {
    await env.SETTLEMENT.sendBatch(
      events.slice(i, i + BATCH).map((body) => ({ body, contentType: "json" as const })),
    );
  }
  return Response.json({ sent: events.length });
}
