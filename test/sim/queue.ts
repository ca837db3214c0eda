// Settlement deliveries beside the real Queue (issue 14): the room's outbox handed to the Worker's real
// queue handler again, shuffled, with duplicates, D1 batches that fail before or after committing
// (support/ledger.ts flakyDb), consumers that throw (the whole batch redelivered, as a Queue does), and
// a few messages held back and delivered late. Every fault is drawn from the plan's numbers.
import { env } from "cloudflare:workers";
import { randomInt, seededRng } from "../../durable-objects/features/rain/prng";
import { batchDeliverer, deliver } from "../workers/support/ledger";
import { type QueuePlan, shuffled } from "./plan";

export interface QueueFigures {
  deliveries: number;
  duplicates: number;
  d1Failures: number;
  throws: number;
  delayed: number;
}

/** An env whose D1 throws on any use: the consumer fails as a whole. */
function crashingEnv(): Cloudflare.Env {
  const db = new Proxy(env.DB, {
    get() {
      throw new Error("consumer crashed (injected)");
    },
  });
  return { ...env, DB: db };
}

/**
 * Delivers a share of `bodies` (the room's outbox) to the consumer under the plan's faults, until every
 * delivered message is acknowledged. Returns the messages held back for `deliverLate`.
 */
export async function replayOutbox(
  bodies: readonly unknown[],
  q: QueuePlan,
  figures: QueueFigures,
): Promise<unknown[]> {
  const rng = seededRng(`queue-${q.shuffle}`);
  const picked = bodies.filter(() => randomInt(rng, 1000) < q.extraPerMille);
  const withDuplicates = picked.flatMap((b) => (randomInt(rng, 1000) < q.duplicatePerMille ? [b, b] : [b]));
  figures.duplicates += withDuplicates.length - picked.length;
  let pending = shuffled(withDuplicates, q.shuffle);
  const late = bodies.filter(() => randomInt(rng, 1000) < 100).slice(0, q.delayed);
  let throwsLeft = q.throws;
  const send = batchDeliverer();
  let batches = 0;
  while (pending.length > 0) {
    if (++batches > 5_000) throw new Error("the replayed queue never drained");
    const batch = pending.slice(0, q.batchSize);
    pending = pending.slice(q.batchSize);
    figures.deliveries += batch.length;
    if (throwsLeft > 0 && randomInt(rng, 2) === 0) {
      throwsLeft -= 1;
      figures.throws += 1;
      try {
        await deliver(batch, { env: crashingEnv() });
      } catch {
        // The handler threw: a Queue redelivers the whole batch.
      }
      pending.push(...batch);
      continue;
    }
    const failing = randomInt(rng, 1000) < q.d1FailPerMille;
    if (failing) figures.d1Failures += 1;
    pending.push(...(await send(batch, failing)));
  }
  return late;
}

/** The held-back messages, delivered after everything settled: each must change nothing. */
export async function deliverLate(late: readonly unknown[], figures: QueueFigures): Promise<void> {
  if (late.length === 0) return;
  figures.delayed += late.length;
  figures.deliveries += late.length;
  const result = await deliver(late);
  const acked = new Set(result.ackAll ? result.ids : result.explicitAcks);
  if (result.ids.some((id) => !acked.has(id))) throw new Error("a late duplicate was not acknowledged");
}
