CREATE TABLE `revival_card_releases` (
	`key` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`activity_id` text NOT NULL,
	`count` integer NOT NULL,
	`returned` integer NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "revival_card_releases_count_positive" CHECK("revival_card_releases"."count" > 0),
	CONSTRAINT "revival_card_releases_source" CHECK("revival_card_releases"."source" IN ('room', 'reconcile'))
);
--> statement-breakpoint
CREATE INDEX `revival_card_releases_activity_idx` ON `revival_card_releases` (`activity_id`);--> statement-breakpoint
CREATE TABLE `revival_escrows` (
	`user_id` text NOT NULL,
	`activity_id` text NOT NULL,
	`cards` integer NOT NULL,
	`taken_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `activity_id`),
	CONSTRAINT "revival_escrows_cards_positive" CHECK("revival_escrows"."cards" > 0)
);
--> statement-breakpoint
CREATE INDEX `revival_escrows_activity_idx` ON `revival_escrows` (`activity_id`);--> statement-breakpoint
CREATE INDEX `revival_escrows_taken_idx` ON `revival_escrows` (`taken_at`);