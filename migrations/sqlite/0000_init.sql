CREATE TABLE `app_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `consultation_drafts` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`user_id` text NOT NULL,
	`contact_info` text DEFAULT '{}' NOT NULL,
	`business_context` text DEFAULT '{}' NOT NULL,
	`pain_points` text DEFAULT '{}' NOT NULL,
	`goals_objectives` text DEFAULT '{}' NOT NULL,
	`auto_saved` integer DEFAULT true NOT NULL,
	`draft_notes` text,
	`has_changes` integer DEFAULT true NOT NULL,
	`base_version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "consultation_drafts_contact_info_json" CHECK(json_valid("consultation_drafts"."contact_info") AND json_type("consultation_drafts"."contact_info") = 'object'),
	CONSTRAINT "consultation_drafts_business_context_json" CHECK(json_valid("consultation_drafts"."business_context") AND json_type("consultation_drafts"."business_context") = 'object'),
	CONSTRAINT "consultation_drafts_pain_points_json" CHECK(json_valid("consultation_drafts"."pain_points") AND json_type("consultation_drafts"."pain_points") = 'object'),
	CONSTRAINT "consultation_drafts_goals_objectives_json" CHECK(json_valid("consultation_drafts"."goals_objectives") AND json_type("consultation_drafts"."goals_objectives") = 'object')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consultation_drafts_consultation_id_unique` ON `consultation_drafts` (`consultation_id`);--> statement-breakpoint
CREATE INDEX `idx_consultation_drafts_user_id` ON `consultation_drafts` (`user_id`);--> statement-breakpoint
CREATE INDEX `idx_consultation_drafts_updated_at` ON `consultation_drafts` (`updated_at`);--> statement-breakpoint
CREATE TABLE `consultation_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`user_id` text NOT NULL,
	`version_number` integer NOT NULL,
	`contact_info` text DEFAULT '{}' NOT NULL,
	`business_context` text DEFAULT '{}' NOT NULL,
	`pain_points` text DEFAULT '{}' NOT NULL,
	`goals_objectives` text DEFAULT '{}' NOT NULL,
	`status` text NOT NULL,
	`completion_percentage` integer NOT NULL,
	`change_summary` text,
	`changed_fields` text DEFAULT '[]' NOT NULL,
	`note` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "consultation_versions_status_valid" CHECK("consultation_versions"."status" IN ('draft', 'completed', 'archived')),
	CONSTRAINT "consultation_versions_completion_range" CHECK("consultation_versions"."completion_percentage" >= 0 AND "consultation_versions"."completion_percentage" <= 100),
	CONSTRAINT "consultation_versions_number_positive" CHECK("consultation_versions"."version_number" >= 1),
	CONSTRAINT "consultation_versions_changed_fields_json" CHECK(json_valid("consultation_versions"."changed_fields") AND json_type("consultation_versions"."changed_fields") = 'array'),
	CONSTRAINT "consultation_versions_contact_info_json" CHECK(json_valid("consultation_versions"."contact_info") AND json_type("consultation_versions"."contact_info") = 'object'),
	CONSTRAINT "consultation_versions_business_context_json" CHECK(json_valid("consultation_versions"."business_context") AND json_type("consultation_versions"."business_context") = 'object'),
	CONSTRAINT "consultation_versions_pain_points_json" CHECK(json_valid("consultation_versions"."pain_points") AND json_type("consultation_versions"."pain_points") = 'object'),
	CONSTRAINT "consultation_versions_goals_objectives_json" CHECK(json_valid("consultation_versions"."goals_objectives") AND json_type("consultation_versions"."goals_objectives") = 'object')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consultation_versions_consultation_version_unique` ON `consultation_versions` (`consultation_id`,`version_number`);--> statement-breakpoint
CREATE INDEX `idx_consultation_versions_user_id` ON `consultation_versions` (`user_id`);--> statement-breakpoint
CREATE INDEX `idx_consultation_versions_created_at` ON `consultation_versions` (`created_at`);--> statement-breakpoint
CREATE TABLE `consultations` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`contact_info` text DEFAULT '{}' NOT NULL,
	`business_context` text DEFAULT '{}' NOT NULL,
	`pain_points` text DEFAULT '{}' NOT NULL,
	`goals_objectives` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`completion_percentage` integer DEFAULT 0 NOT NULL,
	`current_version` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`completed_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "consultations_status_valid" CHECK("consultations"."status" IN ('draft', 'completed', 'archived')),
	CONSTRAINT "consultations_completion_range" CHECK("consultations"."completion_percentage" >= 0 AND "consultations"."completion_percentage" <= 100),
	CONSTRAINT "consultations_contact_info_json" CHECK(json_valid("consultations"."contact_info") AND json_type("consultations"."contact_info") = 'object'),
	CONSTRAINT "consultations_business_context_json" CHECK(json_valid("consultations"."business_context") AND json_type("consultations"."business_context") = 'object'),
	CONSTRAINT "consultations_pain_points_json" CHECK(json_valid("consultations"."pain_points") AND json_type("consultations"."pain_points") = 'object'),
	CONSTRAINT "consultations_goals_objectives_json" CHECK(json_valid("consultations"."goals_objectives") AND json_type("consultations"."goals_objectives") = 'object')
);
--> statement-breakpoint
CREATE INDEX `idx_consultations_user_id` ON `consultations` (`user_id`);--> statement-breakpoint
CREATE INDEX `idx_consultations_status` ON `consultations` (`status`);--> statement-breakpoint
CREATE INDEX `idx_consultations_created_at` ON `consultations` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `idx_consultations_updated_at` ON `consultations` (`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `idx_consultations_completion` ON `consultations` (`completion_percentage`,`id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
