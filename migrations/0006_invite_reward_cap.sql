ALTER TABLE `invite_redemptions` ADD `rewarded` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Hand-written (drizzle-kit does not generate triggers): the invite reward of 0004_social_triggers.sql,
-- now only for a redemption within the inviter's cap. The INSERT computes `rewarded` from the inviter's
-- rewarded rows in the same statement, so concurrent redemptions cannot pass the cap (docs/security.md).
DROP TRIGGER IF EXISTS `invite_redemptions_reward`;
--> statement-breakpoint
CREATE TRIGGER `invite_redemptions_reward` AFTER INSERT ON `invite_redemptions`
WHEN NEW.`rewarded` = 1
BEGIN
  UPDATE `users` SET `revival_cards` = `revival_cards` + 1 WHERE `id` = NEW.`inviter_id`;
END;
