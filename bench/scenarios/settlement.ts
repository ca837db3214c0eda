// Scenario 6, settlement: red-packet events put on the settlement Queue as fast as sendBatch
// takes them (5% sent twice, as redeliveries), consumed by the Worker's queue handler into the D1
// ledger. Transfers posted per second, from the first send until the last transfer is in D1, and
// a check that each event was posted exactly once. Its own workerd, with the Queue consumers on.
//
// Both consumer paths run in the same workerd, alternating which goes first in each pair of runs:
// the Worker's own (one D1 batch per Queue batch) and the one it falls back to (one D1 batch per
// message, the only path before), switched by POST /bench/settle-mode (bench/worker/settle.ts).
// The rain case settles one 100,000-packet rain with the real split through the Worker's own path.
import { Api, benchActivity } from "../admin";
import type { Ctx } from "../context";
import { startRuntime } from "../runtime";
import { type Over, overRuns } from "../stats";

export type SettleMode = "one-by-one" | "batch";

export interface SettlementCase {
  events: number;
  duplicates: number;
  /** Transfers posted per second with one D1 batch per message (the old path, the fallback). */
  oneByOne: Over;
  /** Transfers posted per second with one D1 batch per Queue batch (the consumer's own path). */
  batch: Over;
  /** batch ÷ one-by-one within each pair of runs. */
  ratio: Over;
  postedExactlyOnce: boolean;
  issues: number;
}

export interface SettlementRainCase {
  packets: number;
  totalCents: number;
  users: number;
  duplicates: number;
  /** From the first send until the last transfer is in D1. */
  seconds: number;
  /** Until the last message was handed to the Queue. */
  sendSeconds: number;
  perSec: number;
  /** Every packet posted once, the budget exactly 0, the players' balances summing to the rain. */
  exact: boolean;
  issues: number;
}

const DUP_EVERY = 20;
const SEND_CHUNK = 1000;
const POLL_MS = 50;
/**
 * At most this many events sent and not yet posted: miniflare's Queue broker sets a timer per message
 * it is handed and refuses more than 10,000 at once (QuotaExceededError), which 100,000 events sent
 * as fast as possible reach. A room's outbox drain is paced by the Queue the same way.
 */
const MAX_AHEAD = 5000;

interface Run {
  perSec: number;
  seconds: number;
  sendSeconds: number;
}

/**
 * Sends `events` red packets of a fresh activity and waits until the ledger holds them all. The
 * number of messages (events + one in 20 again) should be a multiple of 100: a partial last batch
 * waits `max_batch_timeout` (1 s) in the Queue, which would be counted as settling time.
 */
async function settleOnce(
  ctx: Ctx,
  base: string,
  db: D1Database,
  api: Api,
  id: string,
  events: number,
  opts: { users?: number; totalCents?: number; label: string },
): Promise<Run> {
  // Without the real split every packet is 1 cent, so the cents paid count the packets exactly.
  const totalCents = opts.totalCents ?? events;
  await api.createActivity(
    benchActivity(id, { questions: 1, rains: [{ totalCents, count: events, seed: id }] }),
  );
  const split = opts.totalCents === undefined ? "" : `&total=${totalCents}&packets=${events}&seed=${id}`;
  const t0 = performance.now();
  let sent = t0;
  // Progress is read from the rain's budget (one row; a count of the transfers would scan more rows
  // on every poll as the rain settles, in the same workerd as the consumer): every cent paid left it.
  let paidCents = 0;
  // Exact for 1-cent packets; for the real split, an estimate until every cent is paid.
  const postedAbout = () => Math.floor((paidCents / totalCents) * events);
  // A thousand events per request: miniflare's Queue broker refuses larger bursts from one request.
  const sending = (async () => {
    for (let from = 0; from < events; from += SEND_CHUNK) {
      while (from - postedAbout() > MAX_AHEAD) await new Promise((w) => setTimeout(w, POLL_MS / 5));
      const count = Math.min(SEND_CHUNK, events - from);
      const res = await fetch(
        `${base}/bench/settle/${id}?from=${from}&count=${count}&dup=${DUP_EVERY}&users=${opts.users ?? 1000}${split}`,
        { method: "POST" },
      );
      if (!res.ok) throw new Error(`settle: ${res.status} ${await res.text()}`);
    }
    sent = performance.now();
  })();
  let lastChange = t0;
  let sendError: unknown = null;
  sending.catch((err: unknown) => {
    sendError = err;
  });
  const deadline = Date.now() + 180_000;
  while (paidCents < totalCents && Date.now() < deadline && sendError === null) {
    await new Promise((w) => setTimeout(w, POLL_MS));
    const row = await db
      .prepare("SELECT balance_cents AS b FROM ledger_accounts WHERE id = ?")
      .bind(`rain_budget:${id}`)
      .first<{ b: number }>();
    // No row until the rain is funded, with its first packet.
    const paid = row === null ? 0 : totalCents - row.b;
    if (paid !== paidCents) lastChange = performance.now();
    paidCents = paid;
    ctx.progress.step(`${opts.label}: ${postedAbout()}/${events} transfers posted`);
  }
  await sending;
  const seconds = (lastChange - t0) / 1000;
  return { perSec: postedAbout() / seconds, seconds, sendSeconds: (sent - t0) / 1000 };
}

/** Whether each of the activity's `events` packets is in the ledger exactly once. */
async function exactlyOnce(db: D1Database, id: string, events: number): Promise<boolean> {
  // Wait for stragglers (duplicates) first.
  await new Promise((w) => setTimeout(w, 1500));
  const final = await db
    .prepare(
      "SELECT count(*) AS n, count(DISTINCT key) AS k FROM ledger_transfers WHERE kind = 'red_packet' AND activity_id = ?",
    )
    .bind(id)
    .first<{ n: number; k: number }>();
  return final?.n === events && final.k === events;
}

async function setMode(base: string, mode: SettleMode): Promise<void> {
  const res = await fetch(`${base}/bench/settle-mode/${mode}`, { method: "POST" });
  if (!res.ok) throw new Error(`settle-mode: ${res.status}`);
}

export async function settlementScenario(
  ctx: Ctx,
  script: string,
  logFile: string,
  events: number,
): Promise<SettlementCase> {
  ctx.progress.scope(`settlement · ${events} events, one by one vs one D1 batch per Queue batch`);
  ctx.progress.step("starting a workerd with the Queue consumers");
  const rt = await startRuntime(script, { logFile, consumers: true });
  try {
    const api = await Api.create(rt.base);
    const db = await rt.mf.getD1Database("DB");
    const rates: Record<SettleMode, number[]> = { "one-by-one": [], batch: [] };
    const ratios: number[] = [];
    let exact = true;
    for (let r = 0; r < ctx.runs; r++) {
      const order: SettleMode[] = r % 2 === 0 ? ["one-by-one", "batch"] : ["batch", "one-by-one"];
      for (const mode of order) {
        await setMode(rt.base, mode);
        const id = `settle-${Date.now().toString(36)}-${r}-${mode === "batch" ? "b" : "o"}`;
        const label = `run ${r + 1}/${ctx.runs}, ${mode}`;
        const run = await settleOnce(ctx, rt.base, db, api, id, events, { label });
        rates[mode].push(run.perSec);
        if (!(await exactlyOnce(db, id, events))) exact = false;
      }
      ratios.push(rates.batch[r]! / rates["one-by-one"][r]!);
    }
    await setMode(rt.base, "batch");
    const issues = await db.prepare("SELECT count(*) AS n FROM settlement_issues").first<{ n: number }>();
    const c: SettlementCase = {
      events,
      duplicates: Math.ceil(events / DUP_EVERY),
      oneByOne: overRuns(rates["one-by-one"]),
      batch: overRuns(rates.batch),
      ratio: overRuns(ratios),
      postedExactlyOnce: exact,
      issues: issues?.n ?? 0,
    };
    ctx.progress.done(
      `one by one ${c.oneByOne.median.toFixed(0)}/s, batched ${c.batch.median.toFixed(0)}/s ` +
        `(${c.ratio.median.toFixed(1)}×), exactly once: ${exact}`,
    );
    return c;
  } finally {
    await rt.dispose();
  }
}

/**
 * One rain of `packets` packets (the real split of `packets * 10` cents) to `ceil(packets / 3)`
 * players (the default cap of 3), 5% delivered twice, settled through the Worker's own consumer.
 */
export async function settlementRain(
  ctx: Ctx,
  script: string,
  logFile: string,
  packets: number,
): Promise<SettlementRainCase> {
  ctx.progress.scope(`settlement · one rain of ${packets} packets`);
  ctx.progress.step("starting a workerd with the Queue consumers");
  const rt = await startRuntime(script, { logFile, consumers: true });
  try {
    const api = await Api.create(rt.base);
    const db = await rt.mf.getD1Database("DB");
    const id = `rain-${Date.now().toString(36)}`;
    const totalCents = packets * 10;
    const users = Math.ceil(packets / 3);
    const run = await settleOnce(ctx, rt.base, db, api, id, packets, {
      users,
      totalCents,
      label: "settling",
    });
    let exact = await exactlyOnce(db, id, packets);
    const sums = await db
      .prepare(
        "SELECT (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_transfers WHERE kind = 'red_packet' AND activity_id = ?1) AS paid, " +
          "(SELECT balance_cents FROM ledger_accounts WHERE id = 'rain_budget:' || ?1) AS budget",
      )
      .bind(id)
      .first<{ paid: number; budget: number }>();
    if (sums?.paid !== totalCents || sums.budget !== 0) exact = false;
    const issues = await db
      .prepare("SELECT count(*) AS n FROM settlement_issues WHERE activity_id = ?")
      .bind(id)
      .first<{ n: number }>();
    const c: SettlementRainCase = {
      packets,
      totalCents,
      users,
      duplicates: Math.ceil(packets / DUP_EVERY),
      seconds: run.seconds,
      sendSeconds: run.sendSeconds,
      perSec: run.perSec,
      exact,
      issues: issues?.n ?? 0,
    };
    ctx.progress.done(`${packets} packets settled in ${c.seconds.toFixed(1)} s, exact: ${exact}`);
    return c;
  } finally {
    await rt.dispose();
  }
}
