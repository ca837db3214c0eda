// Scenario 6, settlement: red-packet events put on the settlement Queue as fast as sendBatch
// takes them (5% sent twice, as redeliveries), consumed by the Worker's queue handler into the D1
// ledger. Transfers posted per second, from the first send until the last transfer is in D1, and
// a check that each event was posted exactly once. Its own workerd, with the Queue consumers on.
import { Api, benchActivity } from "../admin";
import type { Ctx } from "../context";
import { startRuntime } from "../runtime";
import { type Over, overRuns } from "../stats";

export interface SettlementCase {
  events: number;
  duplicates: number;
  perSec: Over;
  postedExactlyOnce: boolean;
  issues: number;
}

const DUP_EVERY = 20;
const SEND_CHUNK = 1000;

export async function settlementScenario(
  ctx: Ctx,
  script: string,
  logFile: string,
  events: number,
): Promise<SettlementCase> {
  ctx.progress.scope(`settlement · ${events} events`);
  ctx.progress.step("starting a workerd with the Queue consumers");
  const rt = await startRuntime(script, { logFile, consumers: true });
  try {
    const api = await Api.create(rt.base);
    const db = await rt.mf.getD1Database("DB");
    const rates: number[] = [];
    let exact = true;
    for (let r = 0; r < ctx.runs; r++) {
      const id = `settle-${Date.now().toString(36)}-${r}`;
      await api.createActivity(
        benchActivity(id, { questions: 1, rains: [{ totalCents: events * 10, count: events, seed: id }] }),
      );
      ctx.progress.step(`run ${r + 1}/${ctx.runs}: sending`);
      const t0 = performance.now();
      // A thousand events per request: miniflare's Queue broker refuses larger bursts from one request.
      for (let from = 0; from < events; from += SEND_CHUNK) {
        const count = Math.min(SEND_CHUNK, events - from);
        const res = await fetch(
          `${rt.base}/bench/settle/${id}?from=${from}&count=${count}&dup=${DUP_EVERY}`,
          {
            method: "POST",
          },
        );
        if (!res.ok) throw new Error(`settle: ${res.status} ${await res.text()}`);
      }
      let posted = 0;
      const deadline = Date.now() + 120_000;
      let lastChange = performance.now();
      while (posted < events && Date.now() < deadline) {
        await new Promise((w) => setTimeout(w, 100));
        const row = await db
          .prepare("SELECT count(*) AS n FROM ledger_transfers WHERE kind = 'red_packet' AND activity_id = ?")
          .bind(id)
          .first<{ n: number }>();
        if ((row?.n ?? 0) !== posted) lastChange = performance.now();
        posted = row?.n ?? 0;
        ctx.progress.step(`run ${r + 1}/${ctx.runs}: ${posted}/${events} transfers posted`);
      }
      rates.push(posted / ((lastChange - t0) / 1000));
      // Wait for stragglers (duplicates) and check that nothing was posted twice.
      await new Promise((w) => setTimeout(w, 1500));
      const final = await db
        .prepare(
          "SELECT count(*) AS n, count(DISTINCT key) AS k FROM ledger_transfers WHERE kind = 'red_packet' AND activity_id = ?",
        )
        .bind(id)
        .first<{ n: number; k: number }>();
      if (final?.n !== events || final.k !== events) exact = false;
    }
    const issues = await db.prepare("SELECT count(*) AS n FROM settlement_issues").first<{ n: number }>();
    const c: SettlementCase = {
      events,
      duplicates: Math.ceil(events / DUP_EVERY),
      perSec: overRuns(rates),
      postedExactlyOnce: exact,
      issues: issues?.n ?? 0,
    };
    ctx.progress.done(`${c.perSec.median.toFixed(0)} transfers/s, exactly once: ${exact}`);
    return c;
  } finally {
    await rt.dispose();
  }
}
