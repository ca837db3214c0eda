// The poll's rows: every poll with its totals, one vote per (poll, user), and the tick's state.
// Synchronous on purpose: the kernel commits a handler's writes with its effects.
import type { Poll } from "./rules";

/** The poll feature's state between events. */
export interface PollState {
  /** Polls opened in this room: the next poll's id is this + 1. */
  opened: number;
  /** Votes counted, every poll of the room. */
  votes: number;
  /** The open poll's vote count last shown (POLL_TOTALS); 0 when a poll opens. */
  shownVotes: number;
  /** When the scheduled totals tick fires, or null when none is (a quiet poll sleeps). */
  tickAtMs: number | null;
}

const INITIAL: PollState = { opened: 0, votes: 0, shownVotes: 0, tickAtMs: null };
/** Version of the stored state value; another version is refused, never cast. */
const STATE_VERSION = 1;

type Row = Record<string, SqlStorageValue>;

export class PollStore {
  constructor(private readonly sql: SqlStorage) {}

  load(): PollState {
    const row = this.sql.exec<Row>("SELECT body FROM poll_state WHERE id = 1").toArray()[0];
    if (row === undefined) return INITIAL;
    const { v, ...stored } = JSON.parse(String(row.body)) as PollState & { v: number };
    if (v !== STATE_VERSION) throw new Error(`poll_state version ${v} is not ${STATE_VERSION}`);
    return { ...INITIAL, ...stored };
  }

  save(state: PollState): void {
    const { opened, votes, shownVotes, tickAtMs } = state;
    this.sql.exec(
      "INSERT INTO poll_state (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      JSON.stringify({ v: STATE_VERSION, opened, votes, shownVotes, tickAtMs }),
    );
  }

  /** The room's latest poll, open or closed, or null before the first. */
  latest(): Poll | null {
    const r = this.sql.exec<Row>("SELECT * FROM polls ORDER BY id DESC LIMIT 1").toArray()[0];
    if (r === undefined) return null;
    return {
      id: Number(r.id),
      question: String(r.question),
      choices: JSON.parse(String(r.choices)) as string[],
      totals: JSON.parse(String(r.totals)) as number[],
      openedAtMs: Number(r.opened_at_ms),
      endsAtMs: r.ends_at_ms === null ? null : Number(r.ends_at_ms),
      closedAtMs: r.closed_at_ms === null ? null : Number(r.closed_at_ms),
      timedOut: Number(r.timed_out) === 1,
    };
  }

  /** Writes a poll: inserted when it opens, its totals and closing after. */
  put(p: Poll): void {
    this.sql.exec(
      "INSERT INTO polls (id, question, choices, totals, opened_at_ms, ends_at_ms, closed_at_ms, timed_out) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET totals = excluded.totals, " +
        "closed_at_ms = excluded.closed_at_ms, timed_out = excluded.timed_out",
      p.id,
      p.question,
      JSON.stringify(p.choices),
      JSON.stringify(p.totals),
      p.openedAtMs,
      p.endsAtMs,
      p.closedAtMs,
      p.timedOut ? 1 : 0,
    );
  }

  /** The choice `userId` voted in poll `pollId`, or null. */
  voteOf(pollId: number, userId: string): number | null {
    const r = this.sql
      .exec<Row>("SELECT choice FROM poll_votes WHERE poll_id = ? AND user_id = ?", pollId, userId)
      .toArray()[0];
    return r === undefined ? null : Number(r.choice);
  }

  /** Records a vote (the rule checked it is the user's first in this poll). */
  putVote(pollId: number, userId: string, choice: number, atMs: number): void {
    this.sql.exec(
      "INSERT INTO poll_votes (poll_id, user_id, choice, at_ms) VALUES (?, ?, ?, ?)",
      pollId,
      userId,
      choice,
      atMs,
    );
  }
}
