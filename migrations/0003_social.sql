CREATE TABLE `activity_hosts` (
	`activity_id` text PRIMARY KEY NOT NULL,
	`host_id` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `coin_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`balance_coins` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "coin_accounts_kind" CHECK("coin_accounts"."kind" IN ('user', 'issuance')),
	CONSTRAINT "coin_accounts_nonnegative" CHECK("coin_accounts"."balance_coins" >= 0 OR "coin_accounts"."kind" = 'issuance')
);
--> statement-breakpoint
CREATE TABLE `coin_transfers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`from_account` text NOT NULL,
	`to_account` text NOT NULL,
	`amount_coins` integer NOT NULL,
	`kind` text NOT NULL,
	`activity_id` text,
	`user_id` text,
	`gift_id` text,
	`quantity` integer,
	`created_at` integer NOT NULL,
	CONSTRAINT "coin_transfers_amount_positive" CHECK(typeof("coin_transfers"."amount_coins") = 'integer' AND "coin_transfers"."amount_coins" > 0),
	CONSTRAINT "coin_transfers_distinct_accounts" CHECK("coin_transfers"."from_account" <> "coin_transfers"."to_account"),
	CONSTRAINT "coin_transfers_kind" CHECK("coin_transfers"."kind" IN ('grant', 'gift'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `coin_transfers_key_unique` ON `coin_transfers` (`key`);--> statement-breakpoint
CREATE INDEX `coin_transfers_activity_idx` ON `coin_transfers` (`activity_id`,`kind`,`user_id`);--> statement-breakpoint
CREATE TABLE `danmaku_words` (
	`word` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `gifts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`price_coins` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "gifts_price_positive" CHECK(typeof("gifts"."price_coins") = 'integer' AND "gifts"."price_coins" > 0)
);
--> statement-breakpoint
CREATE TABLE `invite_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invite_codes_user_id_unique` ON `invite_codes` (`user_id`);--> statement-breakpoint
CREATE TABLE `invite_redemptions` (
	`invitee_id` text PRIMARY KEY NOT NULL,
	`inviter_id` text NOT NULL,
	`code` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "invite_redemptions_not_self" CHECK("invite_redemptions"."invitee_id" <> "invite_redemptions"."inviter_id")
);
--> statement-breakpoint
CREATE INDEX `invite_redemptions_inviter_idx` ON `invite_redemptions` (`inviter_id`);--> statement-breakpoint
CREATE TABLE `replay_chunks` (
	`activity_id` text NOT NULL,
	`idx` integer NOT NULL,
	`from_ts_ms` integer NOT NULL,
	`to_ts_ms` integer NOT NULL,
	`event_count` integer NOT NULL,
	`events` text NOT NULL,
	PRIMARY KEY(`activity_id`, `idx`)
);
--> statement-breakpoint
CREATE TABLE `replays` (
	`activity_id` text PRIMARY KEY NOT NULL,
	`event_count` integer NOT NULL,
	`chunk_count` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`archived_at` integer NOT NULL
);
