-- Custom migration: the working copy becomes the record (see src/main/store/consultationStore.ts).
-- Each consultations row now holds what the consultant sees; a version is a named snapshot. Unsaved draft
-- content moves into its consultation row (its triggers reindex search and queue the row for sync);
-- consultation_drafts keeps only the private notes.
-- local-only: the team database has no drafts.
UPDATE `consultations` SET
	`contact_info` = d.`contact_info`,
	`business_context` = d.`business_context`,
	`pain_points` = d.`pain_points`,
	`goals_objectives` = d.`goals_objectives`,
	`updated_at` = max(`consultations`.`updated_at`, d.`updated_at`)
FROM `consultation_drafts` d
WHERE d.`consultation_id` = `consultations`.`id` AND d.`has_changes` = 1;
--> statement-breakpoint
-- local-only
DELETE FROM `consultation_drafts` WHERE `draft_notes` IS NULL OR `draft_notes` = '';
--> statement-breakpoint
-- local-only
UPDATE `consultation_drafts` SET `contact_info` = '{}', `business_context` = '{}', `pain_points` = '{}', `goals_objectives` = '{}', `has_changes` = 0;
--> statement-breakpoint
-- local-only: per consultation, the working copy this device last exchanged with the team database: the
-- base of the three-way merge when both this device and another changed the working copy since, and the
-- team row's updated_at then (a push overwrites the team's row only while it is still that one).
CREATE TABLE `consultation_sync_base` (
	`consultation_id` text PRIMARY KEY NOT NULL REFERENCES `consultations`(`id`) ON DELETE CASCADE,
	`contact_info` text NOT NULL,
	`business_context` text NOT NULL,
	`pain_points` text NOT NULL,
	`goals_objectives` text NOT NULL,
	`updated_at` text NOT NULL
);
