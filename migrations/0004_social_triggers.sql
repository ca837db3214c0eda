-- Coin balances are kept by these triggers, never by application UPDATEs, following the money
-- ledger's rule (0002_ledger_triggers.sql): a balance moves only when a transfer row is really
-- inserted. A duplicate key hits ON CONFLICT DO NOTHING, inserts no row and moves no coins. Debit
-- first: the non-negative CHECK aborts the statement (and its D1 batch) before anything is credited.
CREATE TRIGGER `coin_transfers_post` AFTER INSERT ON `coin_transfers`
BEGIN
  INSERT OR IGNORE INTO `coin_accounts` (`id`, `kind`, `balance_coins`, `created_at`)
  VALUES
    (NEW.`from_account`, CASE WHEN instr(NEW.`from_account`, ':') = 0 THEN NEW.`from_account` ELSE substr(NEW.`from_account`, 1, instr(NEW.`from_account`, ':') - 1) END, 0, NEW.`created_at`),
    (NEW.`to_account`, CASE WHEN instr(NEW.`to_account`, ':') = 0 THEN NEW.`to_account` ELSE substr(NEW.`to_account`, 1, instr(NEW.`to_account`, ':') - 1) END, 0, NEW.`created_at`);
  UPDATE `coin_accounts` SET `balance_coins` = `balance_coins` - NEW.`amount_coins` WHERE `id` = NEW.`from_account`;
  UPDATE `coin_accounts` SET `balance_coins` = `balance_coins` + NEW.`amount_coins` WHERE `id` = NEW.`to_account`;
END;
--> statement-breakpoint
-- A posted coin transfer is never edited or deleted: corrections are new transfers.
CREATE TRIGGER `coin_transfers_immutable` BEFORE UPDATE ON `coin_transfers`
BEGIN
  SELECT RAISE(ABORT, 'coin_transfers are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `coin_transfers_undeletable` BEFORE DELETE ON `coin_transfers`
BEGIN
  SELECT RAISE(ABORT, 'coin_transfers are immutable');
END;
--> statement-breakpoint
-- An invite's reward: a revival card for the inviter, exactly once per new player, because the
-- redemption's primary key is the invitee and the card moves only when its row is inserted.
CREATE TRIGGER `invite_redemptions_reward` AFTER INSERT ON `invite_redemptions`
BEGIN
  UPDATE `users` SET `revival_cards` = `revival_cards` + 1 WHERE `id` = NEW.`inviter_id`;
END;
