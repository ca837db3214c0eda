// POST /bench/settle/<activity>?from=&count=&dup=: puts `count` red-packet settlement events for
// rain 0 of the activity on the settlement Queue, 100 per sendBatch (the Queue's limit), the way a
// room's outbox drain does; every `dup`-th one is sent twice, as an at-least-once redelivery.
import { type RedPacketEvent, redPacketEvent } from "../../schema/settlement";
import type { BenchEnv } from "./entry";

const BATCH = 100;

export async function sendSettlement(request: Request, env: BenchEnv, activityId: string): Promise<Response> {
  const q = new URL(request.url).searchParams;
  const from = Number(q.get("from") ?? 0);
  const count = Math.min(Number(q.get("count") ?? 0), 100_000);
  const dup = Number(q.get("dup") ?? 0);
  const events: RedPacketEvent[] = [];
  for (let i = from; i < from + count; i++) {
    const { body: event } = redPacketEvent({
      activityId,
      userId: `settle-${i % 1000}`,
      rain: 0,
      packetIndex: i,
      amountCents: 1,
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
