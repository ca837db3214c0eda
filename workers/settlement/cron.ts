// The reconciliation cron (wrangler.toml [triggers]): reconciles recent activities, repairs what is
// missing by re-sending from the rooms, returns ended activities' leftovers to issuance, and logs the
// report (an error log when anything differs).
import type { Env } from "../env";
import { type ReconcileReport, reconcile } from "./reconcile-run";

/** Runs one scheduled reconciliation with repair; returns the report it logged. */
export async function runReconcileCron(env: Env, nowMs: number): Promise<ReconcileReport> {
  const report = await reconcile(env, { repair: true, nowMs });
  const clean =
    report.summary.differences === 0 &&
    report.ledger.sumOfBalancesCents === 0 &&
    report.ledger.driftedAccounts.length === 0 &&
    report.staleEscrows.length === 0;
  if (clean) {
    console.log("reconciliation clean", JSON.stringify(report.summary));
  } else {
    console.error(
      "reconciliation found differences",
      JSON.stringify({
        summary: report.summary,
        ledger: report.ledger,
        staleEscrows: report.staleEscrows,
        activities: report.activities.filter((a) => !a.ok),
      }),
    );
  }
  return report;
}
