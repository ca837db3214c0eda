// The gifts' tables. Append-only (kernel/migrations.ts): add a migration, never edit one.
import type { Migration } from "../../kernel/migrations";
import { legacySocialState } from "../danmaku/migrations";

export const giftMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "room gifts, gifters and totals",
    up: (sql) => {
      sql.exec(`CREATE TABLE IF NOT EXISTS room_gifts (
  user_id TEXT NOT NULL, key TEXT NOT NULL, gift_id TEXT NOT NULL, quantity INTEGER NOT NULL,
  coins INTEGER NOT NULL, at_ms INTEGER NOT NULL, PRIMARY KEY (user_id, key))`);
      sql.exec(
        "CREATE TABLE IF NOT EXISTS gifters (user_id TEXT PRIMARY KEY, coins INTEGER NOT NULL, gifts INTEGER NOT NULL)",
      );
      sql.exec(
        "CREATE TABLE gift_totals (id INTEGER PRIMARY KEY CHECK (id = 1), gifts INTEGER NOT NULL, coins INTEGER NOT NULL)",
      );
      const legacy = legacySocialState(sql);
      sql.exec(
        "INSERT INTO gift_totals (id, gifts, coins) VALUES (1, ?, ?)",
        Number(legacy?.gifts ?? 0),
        Number(legacy?.giftCoins ?? 0),
      );
    },
  },
];
