-- Revival cards move by these triggers, never by application UPDATEs, following the ledger's rule
-- (0002_ledger_triggers.sql): a balance moves only when a row is really inserted. A second take, use
-- or release of the same key or (user, activity) inserts no row and so moves no card (docs/settlement.md).
--
-- The card now leaves the balance when a room takes it into escrow (the player joined), not when it
-- is used: a use is recorded against its escrow and takes nothing more.
DROP TRIGGER IF EXISTS `revival_card_uses_take`;
--> statement-breakpoint
-- The escrow's INSERT only selects users holding a card, so the balance never goes below zero here.
CREATE TRIGGER `revival_escrows_take` AFTER INSERT ON `revival_escrows`
BEGIN
  UPDATE `users` SET `revival_cards` = `revival_cards` - NEW.`cards` WHERE `id` = NEW.`user_id`;
END;
--> statement-breakpoint
-- An unused escrowed card goes back once: only a release recorded while its escrow was still held.
CREATE TRIGGER `revival_card_releases_return` AFTER INSERT ON `revival_card_releases`
WHEN NEW.`returned` = 1
BEGIN
  UPDATE `users` SET `revival_cards` = `revival_cards` + NEW.`count` WHERE `id` = NEW.`user_id`;
END;
--> statement-breakpoint
-- An escrow is a fact (a card taken at a join): never edited; its use and release are new rows.
CREATE TRIGGER `revival_escrows_immutable` BEFORE UPDATE ON `revival_escrows`
BEGIN
  SELECT RAISE(ABORT, 'revival_escrows are immutable');
END;
