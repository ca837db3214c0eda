CREATE TABLE `bank_question_tags` (
	`tag` text NOT NULL,
	`question_id` text NOT NULL,
	PRIMARY KEY(`tag`, `question_id`),
	FOREIGN KEY (`question_id`) REFERENCES `bank_questions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bank_question_tags_question_idx` ON `bank_question_tags` (`question_id`);--> statement-breakpoint
CREATE TABLE `bank_questions` (
	`id` text PRIMARY KEY NOT NULL,
	`text` text NOT NULL,
	`text_key` text NOT NULL,
	`options` text NOT NULL,
	`correct` integer NOT NULL,
	`tags` text NOT NULL,
	`difficulty` text NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "bank_questions_correct_in_options" CHECK("bank_questions"."correct" >= 0 AND "bank_questions"."correct" < json_array_length("bank_questions"."options")),
	CONSTRAINT "bank_questions_difficulty" CHECK("bank_questions"."difficulty" IN ('easy', 'medium', 'hard'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bank_questions_text_key_idx` ON `bank_questions` (`text_key`);--> statement-breakpoint
CREATE INDEX `bank_questions_created_at_idx` ON `bank_questions` (`created_at`);