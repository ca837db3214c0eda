-- Two new transfer kinds, return_prize_pool and return_rain_budget (an ended activity's leftover pool
-- and rain budget given back to issuance; docs/settlement.md). SQLite cannot change a CHECK in place,
-- so ledger_transfers is rebuilt (drizzle-kit's rebuild, without its PRAGMA foreign_keys lines: D1
-- refuses to switch enforcement inside a migration, and no foreign key references this table). The
-- rows are copied before any trigger exists on the new table, so no balance moves; DROP TABLE drops
-- the old table's triggers (without firing them), and they are created again below, unchanged from
-- 0002. AUTOINCREMENT continues from the largest id copied.
CREATE TABLE `__new_ledger_transfers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`from_account` text NOT NULL,
	`to_account` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`kind` text NOT NULL,
	`activity_id` text,
	`user_id` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_transfers_amount_positive" CHECK(typeof("__new_ledger_transfers"."amount_cents") = 'integer' AND "__new_ledger_transfers"."amount_cents" > 0),
	CONSTRAINT "ledger_transfers_distinct_accounts" CHECK("__new_ledger_transfers"."from_account" <> "__new_ledger_transfers"."to_account"),
	CONSTRAINT "ledger_transfers_kind" CHECK("__new_ledger_transfers"."kind" IN ('fund_prize_pool', 'fund_rain_budget', 'prize', 'red_packet', 'withdrawal', 'withdrawal_paid', 'withdrawal_returned', 'return_prize_pool', 'return_rain_budget'))
);
--> statement-breakpoint
INSERT INTO `__new_ledger_transfers`("id", "key", "from_account", "to_account", "amount_cents", "kind", "activity_id", "user_id", "created_at") SELECT "id", "key", "from_account", "to_account", "amount_cents", "kind", "activity_id", "user_id", "created_at" FROM `ledger_transfers`;--> statement-breakpoint
DROP TABLE `ledger_transfers`;--> statement-breakpoint
ALTER TABLE `__new_ledger_transfers` RENAME TO `ledger_transfers`;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transfers_key_unique` ON `ledger_transfers` (`key`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_user_idx` ON `ledger_transfers` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_activity_idx` ON `ledger_transfers` (`activity_id`,`kind`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_from_idx` ON `ledger_transfers` (`from_account`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_to_idx` ON `ledger_transfers` (`to_account`);
--> statement-breakpoint
-- The triggers of migrations/0002_ledger_triggers.sql, unchanged: a balance moves only when a
-- transfer row is really inserted (or deleted by hand); transfers are immutable.
CREATE TRIGGER `ledger_transfers_post` AFTER INSERT ON `ledger_transfers`
BEGIN
  INSERT OR IGNORE INTO `ledger_accounts` (`id`, `kind`, `balance_cents`, `won_cents`, `created_at`)
  VALUES
    (NEW.`from_account`, CASE WHEN instr(NEW.`from_account`, ':') = 0 THEN NEW.`from_account` ELSE substr(NEW.`from_account`, 1, instr(NEW.`from_account`, ':') - 1) END, 0, 0, NEW.`created_at`),
    (NEW.`to_account`, CASE WHEN instr(NEW.`to_account`, ':') = 0 THEN NEW.`to_account` ELSE substr(NEW.`to_account`, 1, instr(NEW.`to_account`, ':') - 1) END, 0, 0, NEW.`created_at`);
  UPDATE `ledger_accounts` SET `balance_cents` = `balance_cents` - NEW.`amount_cents`
  WHERE `id` = NEW.`from_account`;
  UPDATE `ledger_accounts`
  SET `balance_cents` = `balance_cents` + NEW.`amount_cents`,
      `won_cents` = `won_cents` + CASE WHEN NEW.`kind` IN ('prize', 'red_packet') THEN NEW.`amount_cents` ELSE 0 END
  WHERE `id` = NEW.`to_account`;
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_transfers_unpost` AFTER DELETE ON `ledger_transfers`
BEGIN
  UPDATE `ledger_accounts`
  SET `balance_cents` = `balance_cents` - OLD.`amount_cents`,
      `won_cents` = `won_cents` - CASE WHEN OLD.`kind` IN ('prize', 'red_packet') THEN OLD.`amount_cents` ELSE 0 END
  WHERE `id` = OLD.`to_account`;
  UPDATE `ledger_accounts` SET `balance_cents` = `balance_cents` + OLD.`amount_cents`
  WHERE `id` = OLD.`from_account`;
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_transfers_immutable` BEFORE UPDATE ON `ledger_transfers`
BEGIN
  SELECT RAISE(ABORT, 'ledger_transfers are immutable');
END;
