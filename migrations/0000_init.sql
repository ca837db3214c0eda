CREATE TABLE `activities` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`start_at` integer NOT NULL,
	`prize_pool_cents` integer NOT NULL,
	`answer_window_ms` integer NOT NULL,
	`stream_url` text DEFAULT '' NOT NULL,
	`grab_cap` integer NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "activities_prize_pool_positive" CHECK("activities"."prize_pool_cents" > 0),
	CONSTRAINT "activities_grab_cap_positive" CHECK("activities"."grab_cap" > 0)
);
--> statement-breakpoint
CREATE INDEX `activities_created_at_idx` ON `activities` (`created_at`);--> statement-breakpoint
CREATE TABLE `questions` (
	`activity_id` text NOT NULL,
	`idx` integer NOT NULL,
	`text` text NOT NULL,
	`options` text NOT NULL,
	`correct` integer NOT NULL,
	PRIMARY KEY(`activity_id`, `idx`),
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rains` (
	`activity_id` text NOT NULL,
	`idx` integer NOT NULL,
	`total_cents` integer NOT NULL,
	`count` integer NOT NULL,
	`target_taps_per_sec` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`seed` text NOT NULL,
	`packets` text NOT NULL,
	PRIMARY KEY(`activity_id`, `idx`),
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "rains_count_le_total" CHECK("rains"."count" >= 1 AND "rains"."count" <= "rains"."total_cents")
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`revival_cards` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "users_revival_cards_nonnegative" CHECK("users"."revival_cards" >= 0)
);
