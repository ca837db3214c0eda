-- Balances are kept by these triggers, never by application UPDATEs: a balance moves only when a
-- transfer row is really inserted. A duplicate key hits ON CONFLICT DO NOTHING, inserts no row, fires
-- no trigger and so moves no money. Debit first: the non-negative CHECK aborts the statement (and the
-- whole D1 batch) before anything is credited. See docs/settlement.md.
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
-- A transfer deleted by hand takes its money back with it, so that every balance stays the sum of the
-- transfers that exist; reconciliation then finds the missing key and the room re-sends it.
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
-- A posted transfer is never edited: corrections are new transfers.
CREATE TRIGGER `ledger_transfers_immutable` BEFORE UPDATE ON `ledger_transfers`
BEGIN
  SELECT RAISE(ABORT, 'ledger_transfers are immutable');
END;
--> statement-breakpoint
-- A revival card use takes the card from users exactly once: only when its row is inserted.
CREATE TRIGGER `revival_card_uses_take` AFTER INSERT ON `revival_card_uses`
WHEN NEW.`covered` = 1
BEGIN
  UPDATE `users` SET `revival_cards` = `revival_cards` - NEW.`count` WHERE `id` = NEW.`user_id`;
END;
