// The gifts' rows: each paid gift under its sender's key, the gifter board and the room's totals.
type Row = Record<string, SqlStorageValue>;

/** A gift as the room recorded it, under the sender's idempotency key. */
export interface RoomGift {
  giftId: string;
  quantity: number;
  coins: number;
}

export class GiftStore {
  constructor(private readonly sql: SqlStorage) {}

  gift(userId: string, key: string): RoomGift | null {
    const row = this.sql
      .exec<Row>("SELECT gift_id, quantity, coins FROM room_gifts WHERE user_id = ? AND key = ?", userId, key)
      .toArray()[0];
    return row === undefined
      ? null
      : { giftId: String(row.gift_id), quantity: Number(row.quantity), coins: Number(row.coins) };
  }

  /**
   * Records a paid gift, adds it to the sender's board total and the room's totals, once per
   * (user, key). Returns the sender's total, or null when the key was recorded before (nothing added).
   */
  recordGift(userId: string, key: string, g: RoomGift, atMs: number): number | null {
    const inserted = this.sql.exec(
      "INSERT OR IGNORE INTO room_gifts (user_id, key, gift_id, quantity, coins, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
      userId,
      key,
      g.giftId,
      g.quantity,
      g.coins,
      atMs,
    ).rowsWritten;
    if (inserted === 0) return null;
    this.sql.exec(
      "INSERT INTO gifters (user_id, coins, gifts) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET coins = coins + excluded.coins, gifts = gifts + excluded.gifts",
      userId,
      g.coins,
      g.quantity,
    );
    this.sql.exec(
      "UPDATE gift_totals SET gifts = gifts + ?, coins = coins + ? WHERE id = 1",
      g.quantity,
      g.coins,
    );
    return Number(this.sql.exec<Row>("SELECT coins FROM gifters WHERE user_id = ?", userId).one().coins);
  }

  gifters(): { userId: string; coins: number }[] {
    return this.sql
      .exec<Row>("SELECT user_id, coins FROM gifters")
      .toArray()
      .map((r) => ({ userId: String(r.user_id), coins: Number(r.coins) }));
  }

  totals(): { gifts: number; giftCoins: number } {
    const row = this.sql.exec<Row>("SELECT gifts, coins FROM gift_totals WHERE id = 1").toArray()[0];
    return { gifts: Number(row?.gifts ?? 0), giftCoins: Number(row?.coins ?? 0) };
  }
}
