// The quiz's rows in the room's SQLite: players, answers, per-option counts and the phase machine.
// Keyed by player so that a shard holds its own players (DESIGN §8). Synchronous on purpose: the
// kernel runs a handler's writes and its effects in one transaction.
import type { OutcomeValue, PlayerState, PlayerStatus, RoomState } from "./state";

type Row = Record<string, SqlStorageValue>;

/** The room state without its activity (the kernel keeps that in its own tables). */
export type QuizState = Omit<RoomState, "activity">;

const INITIAL: QuizState = { phase: "created", current: null, reveal: null, gameOver: null };
/** Version of the stored `quiz_state.body`; a body of another version is refused, never cast. */
const STATE_VERSION = 1;

export class QuizStore {
  constructor(private readonly sql: SqlStorage) {}

  loadState(): QuizState {
    const row = this.sql.exec<Row>("SELECT body FROM quiz_state WHERE id = 1").toArray()[0];
    if (row === undefined) return INITIAL;
    const { v, ...state } = JSON.parse(String(row.body)) as QuizState & { v: number };
    if (v !== STATE_VERSION) throw new Error(`quiz_state version ${v} is not ${STATE_VERSION}`);
    return state;
  }

  saveState(state: QuizState): void {
    const { phase, current, reveal, gameOver } = state;
    this.sql.exec(
      "INSERT INTO quiz_state (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      JSON.stringify({ v: STATE_VERSION, phase, current, reveal, gameOver }),
    );
  }

  getPlayer(userId: string): PlayerState | null {
    const row = this.sql.exec<Row>("SELECT * FROM players WHERE user_id = ?", userId).toArray()[0];
    return row === undefined ? null : toPlayer(row);
  }

  /** The player's row and whether they already answered `question`, in one statement; null without a row. */
  playerAndAnswer(question: number, userId: string): { player: PlayerState; answered: boolean } | null {
    const row = this.sql
      .exec<Row>(
        `SELECT p.*, a.outcome AS answered_outcome FROM players p
         LEFT JOIN answers a ON a.question = ? AND a.user_id = p.user_id WHERE p.user_id = ?`,
        question,
        userId,
      )
      .toArray()[0];
    return row === undefined ? null : { player: toPlayer(row), answered: row.answered_outcome !== null };
  }

  /**
   * Question q's answers by lag bucket: ⌊(at − pushedAtMs) / bucketMs⌋ (0 for an answer stamped
   * before the push), ascending, as [bucket, count] (the health's answer intake).
   */
  lagHistogram(question: number, pushedAtMs: number, bucketMs: number): [number, number][] {
    return this.sql
      .exec<Row>(
        // Bound numbers arrive as REAL: cast, so the division is an integer's.
        "SELECT CAST(MAX(0, at_ms - ?) AS INTEGER) / CAST(? AS INTEGER) AS b, COUNT(*) AS n FROM answers WHERE question = ? GROUP BY b ORDER BY b",
        pushedAtMs,
        bucketMs,
        question,
      )
      .toArray()
      .map((r) => [Number(r.b), Number(r.n)]);
  }

  /** Creates the player's row if missing; an existing row (and its cards) is kept. */
  ensurePlayer(userId: string, revivalCards: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO players (user_id, status, passed, revival_cards, revival_used) VALUES (?, 'spectator', -1, ?, 0)",
      userId,
      revivalCards,
    );
  }

  putPlayer(p: PlayerState): void {
    this.sql.exec(
      "UPDATE players SET status = ?, passed = ?, revival_cards = ?, revival_used = ? WHERE user_id = ?",
      p.status,
      p.passed,
      p.revivalCards,
      p.revivalUsed ? 1 : 0,
      p.userId,
    );
  }

  prizeCents(userId: string): number {
    const row = this.sql.exec<Row>("SELECT prize_cents FROM players WHERE user_id = ?", userId).toArray()[0];
    return row === undefined ? 0 : Number(row.prize_cents);
  }

  setWinner(userId: string, cents: number): void {
    this.sql.exec("UPDATE players SET status = 'winner', prize_cents = ? WHERE user_id = ?", cents, userId);
  }

  answerOutcome(question: number, userId: string): OutcomeValue | null {
    const row = this.sql
      .exec<Row>("SELECT outcome FROM answers WHERE question = ? AND user_id = ?", question, userId)
      .toArray()[0];
    return row === undefined ? null : (Number(row.outcome) as OutcomeValue);
  }

  recordAnswer(question: number, userId: string, option: number, outcome: OutcomeValue, atMs: number): void {
    this.sql.exec(
      "INSERT INTO answers (question, user_id, option, outcome, at_ms) VALUES (?, ?, ?, ?, ?)",
      question,
      userId,
      option,
      outcome,
      atMs,
    );
    this.sql.exec(
      "INSERT INTO counts (question, option, n) VALUES (?, ?, 1) ON CONFLICT (question, option) DO UPDATE SET n = n + 1",
      question,
      option,
    );
  }

  counts(question: number, options: number): number[] {
    const counts = new Array<number>(options).fill(0);
    for (const row of this.sql.exec<Row>("SELECT option, n FROM counts WHERE question = ?", question)) {
      counts[Number(row.option)] = Number(row.n);
    }
    return counts;
  }

  /** Playing players with no answer to `question`: the ones its closing window settles. */
  missedAnswer(question: number): PlayerState[] {
    return this.sql
      .exec<Row>("SELECT * FROM players WHERE status = 'playing' AND passed < ?", question)
      .toArray()
      .map(toPlayer);
  }

  /** Players whose row still holds a revival card they never used, by user id (the game's end releases them). */
  unusedCards(): PlayerState[] {
    return this.sql
      .exec<Row>("SELECT * FROM players WHERE revival_cards > 0 AND revival_used = 0 ORDER BY user_id")
      .toArray()
      .map(toPlayer);
  }

  /** Players who passed every question up to `last`, by user id. */
  survivors(last: number): string[] {
    return this.sql
      .exec<Row>("SELECT user_id FROM players WHERE status = 'playing' AND passed = ? ORDER BY user_id", last)
      .toArray()
      .map((r) => String(r.user_id));
  }

  /** This shard's own part of the game: the last question it closed to answers, and whether it awarded. */
  shardState(): { closedThrough: number; awarded: boolean } {
    const row = this.sql
      .exec<Row>("SELECT closed_through, awarded FROM quiz_shard WHERE id = 1")
      .toArray()[0];
    if (row === undefined) return { closedThrough: -1, awarded: false };
    return { closedThrough: Number(row.closed_through), awarded: Number(row.awarded) === 1 };
  }

  saveShardState(s: { closedThrough: number; awarded: boolean }): void {
    this.sql.exec(
      `INSERT INTO quiz_shard (id, closed_through, awarded) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET closed_through = excluded.closed_through, awarded = excluded.awarded`,
      s.closedThrough,
      s.awarded ? 1 : 0,
    );
  }

  /** The coordinator: the winners' shares, by the shard that holds them (written at the end, once). */
  saveAwards(shard: number, shares: readonly { userId: string; cents: number }[]): void {
    for (const share of shares) {
      this.sql.exec(
        "INSERT OR IGNORE INTO quiz_awards (shard, user_id, cents) VALUES (?, ?, ?)",
        shard,
        share.userId,
        share.cents,
      );
    }
  }

  awardsOf(shard: number): { userId: string; cents: number }[] {
    return this.sql
      .exec<Row>("SELECT user_id, cents FROM quiz_awards WHERE shard = ? ORDER BY user_id", shard)
      .toArray()
      .map((r) => ({ userId: String(r.user_id), cents: Number(r.cents) }));
  }

  playerCounts(): { players: number; alive: number } {
    const row = this.sql
      .exec<Row>(
        "SELECT SUM(status != 'spectator') AS players, SUM(status IN ('playing', 'winner')) AS alive FROM players",
      )
      .one();
    return { players: Number(row.players ?? 0), alive: Number(row.alive ?? 0) };
  }
}

function toPlayer(row: Row): PlayerState {
  return {
    userId: String(row.user_id),
    status: String(row.status) as PlayerStatus,
    passed: Number(row.passed),
    revivalCards: Number(row.revival_cards),
    revivalUsed: Number(row.revival_used) === 1,
  };
}
