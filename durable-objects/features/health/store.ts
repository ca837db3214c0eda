// The coordinator's record of each pushed question for the health's answer intake.
import type { QuestionRecord } from "./intake";

type Row = Record<string, SqlStorageValue>;

export class HealthStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Question q was pushed now (a push again of the same question starts its record over). */
  pushed(question: number, atMs: number, deadlineMs: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO health_questions (question, pushed_ms, deadline_ms, revealed_ms) VALUES (?, ?, ?, NULL)",
      question,
      atMs,
      deadlineMs,
    );
  }

  revealed(question: number, atMs: number): void {
    this.sql.exec(
      "UPDATE health_questions SET revealed_ms = ? WHERE question = ? AND revealed_ms IS NULL",
      atMs,
      question,
    );
  }

  /** Every pushed question, in push order. */
  questions(): QuestionRecord[] {
    return this.sql
      .exec<Row>(
        "SELECT question, pushed_ms, deadline_ms, revealed_ms FROM health_questions ORDER BY pushed_ms, question",
      )
      .toArray()
      .map((r) => ({
        question: Number(r.question),
        pushedAtMs: Number(r.pushed_ms),
        deadlineMs: Number(r.deadline_ms),
        revealedAtMs: r.revealed_ms === null ? null : Number(r.revealed_ms),
      }));
  }
}
