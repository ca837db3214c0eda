CREATE TABLE `ledger_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`balance_cents` integer DEFAULT 0 NOT NULL,
	`won_cents` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_accounts_kind" CHECK("ledger_accounts"."kind" IN ('user', 'prize_pool', 'rain_budget', 'withdrawals_in_transit', 'payouts', 'issuance')),
	CONSTRAINT "ledger_accounts_nonnegative" CHECK("ledger_accounts"."balance_cents" >= 0 OR "ledger_accounts"."kind" = 'issuance')
);
--> statement-breakpoint
CREATE INDEX `ledger_accounts_won_idx` ON `ledger_accounts` (`kind`,`won_cents`);--> statement-breakpoint
CREATE TABLE `ledger_transfers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`from_account` text NOT NULL,
	`to_account` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`kind` text NOT NULL,
	`activity_id` text,
	`user_id` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_transfers_amount_positive" CHECK(typeof("ledger_transfers"."amount_cents") = 'integer' AND "ledger_transfers"."amount_cents" > 0),
	CONSTRAINT "ledger_transfers_distinct_accounts" CHECK("ledger_transfers"."from_account" <> "ledger_transfers"."to_account"),
	CONSTRAINT "ledger_transfers_kind" CHECK("ledger_transfers"."kind" IN ('fund_prize_pool', 'fund_rain_budget', 'prize', 'red_packet', 'withdrawal', 'withdrawal_paid', 'withdrawal_returned'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transfers_key_unique` ON `ledger_transfers` (`key`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_user_idx` ON `ledger_transfers` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_activity_idx` ON `ledger_transfers` (`activity_id`,`kind`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_from_idx` ON `ledger_transfers` (`from_account`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_to_idx` ON `ledger_transfers` (`to_account`);--> statement-breakpoint
CREATE TABLE `revival_card_uses` (
	`key` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`activity_id` text NOT NULL,
	`question` integer NOT NULL,
	`count` integer NOT NULL,
	`covered` integer NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "revival_card_uses_count_positive" CHECK("revival_card_uses"."count" > 0)
);
--> statement-breakpoint
CREATE INDEX `revival_card_uses_activity_idx` ON `revival_card_uses` (`activity_id`);--> statement-breakpoint
CREATE TABLE `settlement_issues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`key` text,
	`activity_id` text,
	`detail` text NOT NULL,
	`body` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`seen_count` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `settlement_issues_code_body_unique` ON `settlement_issues` (`code`,`body`);--> statement-breakpoint
CREATE INDEX `settlement_issues_activity_idx` ON `settlement_issues` (`activity_id`);--> statement-breakpoint
CREATE TABLE `withdrawals` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`status` text NOT NULL,
	`payout_reference` text,
	`failure_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "withdrawals_amount_positive" CHECK(typeof("withdrawals"."amount_cents") = 'integer' AND "withdrawals"."amount_cents" > 0),
	CONSTRAINT "withdrawals_status" CHECK("withdrawals"."status" IN ('pending', 'paid', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `withdrawals_user_key_unique` ON `withdrawals` (`user_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `withdrawals_user_idx` ON `withdrawals` (`user_id`,`created_at`);