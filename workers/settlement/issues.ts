// Settlement issues: messages acknowledged without being applied, kept in D1 for the finance team
// and the reconciliation report. Recording the same (code, body) again only counts it.

/** Why a settlement message was not applied. */
export type IssueCode =
  | "INVALID_EVENT"
  | "KEY_CONFLICT"
  | "FUNDING_CONFLICT"
  | "UNKNOWN_ACTIVITY"
  | "UNKNOWN_RAIN"
  | "INSUFFICIENT_FUNDS"
  | "DEAD_LETTER";

/** One issue to record. `body` is the message as received (JSON text), `detail` what was found. */
export interface Issue {
  code: IssueCode;
  key: string | null;
  activityId: string | null;
  detail: Record<string, unknown>;
  body: string;
}

/** A stored body is cut here: enough to identify the message, bounded whatever a sender put in it. */
const MAX_BODY_CHARS = 4000;

/** The statement recording an issue (first sighting) or counting it again. */
export function recordIssueStatement(d1: D1Database, issue: Issue, nowMs: number): D1PreparedStatement {
  return d1
    .prepare(
      "INSERT INTO settlement_issues (code, key, activity_id, detail, body, first_seen_at, last_seen_at, seen_count) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (code, body) DO UPDATE SET " +
        "last_seen_at = excluded.last_seen_at, seen_count = seen_count + 1, detail = excluded.detail",
    )
    .bind(
      issue.code,
      issue.key,
      issue.activityId,
      JSON.stringify(issue.detail),
      issue.body.slice(0, MAX_BODY_CHARS),
      nowMs,
      nowMs,
    );
}

/** Records an issue and logs it: an issue is money a room paid that the ledger does not hold (yet). */
export async function recordIssue(d1: D1Database, issue: Issue, nowMs: number): Promise<void> {
  console.warn("settlement issue", issue.code, issue.key, JSON.stringify(issue.detail));
  await recordIssueStatement(d1, issue, nowMs).run();
}

/** A message body as text, for the issue record. */
export function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return String(body);
  }
}
