-- Custom migration: sync with the team's Turso database (see src/main/sync/).
-- Statements marked "local-only" are skipped on the remote; "remote-only" ones are skipped locally.
CREATE TABLE `consultation_tombstones` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`deleted_at` text NOT NULL
);
--> statement-breakpoint
-- remote-only: the order in which changes reached the team database; pulls read it from a cursor.
CREATE TABLE `sync_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`device_id` text NOT NULL
);
--> statement-breakpoint
-- remote-only: one row per applied push; a retried push whose response was lost fails here and changes nothing.
CREATE TABLE `sync_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
-- local-only: changes waiting to be pushed, written by triggers in the same transaction as the change.
CREATE TABLE `sync_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT,
	`entity` text NOT NULL CHECK (`entity` IN ('user', 'consultation', 'version', 'tombstone')),
	`entity_id` text NOT NULL
);
--> statement-breakpoint
-- local-only: applying = 1 while pulled changes are written, so they are not echoed back into the outbox.
CREATE TABLE `sync_control` (
	`id` integer PRIMARY KEY CHECK (`id` = 1),
	`applying` integer NOT NULL DEFAULT 0
);
--> statement-breakpoint
-- local-only: a pull asks, per consultation, which of its versions are still waiting to be pushed.
CREATE INDEX `idx_sync_outbox_entity` ON `sync_outbox` (`entity`, `entity_id`);
--> statement-breakpoint
-- local-only
INSERT INTO `sync_control` (`id`, `applying`) VALUES (1, 0);
--> statement-breakpoint
-- local-only: fields two devices changed differently; the owner resolves them.
CREATE TABLE `consultation_conflicts` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL REFERENCES `consultations`(`id`) ON DELETE CASCADE,
	`field_path` text NOT NULL,
	`base_value` text,
	`our_value` text,
	`their_value` text,
	`created_at` text NOT NULL,
	`resolved_at` text
);
--> statement-breakpoint
-- local-only
CREATE INDEX `idx_consultation_conflicts_consultation` ON `consultation_conflicts` (`consultation_id`, `resolved_at`);
--> statement-breakpoint
-- local-only
CREATE TRIGGER `sync_users_insert` AFTER INSERT ON `users` WHEN (SELECT `applying` FROM `sync_control`) = 0 BEGIN
	INSERT INTO `sync_outbox` (`entity`, `entity_id`) VALUES ('user', new.`id`);
END;
--> statement-breakpoint
-- local-only
CREATE TRIGGER `sync_users_update` AFTER UPDATE ON `users` WHEN (SELECT `applying` FROM `sync_control`) = 0 BEGIN
	INSERT INTO `sync_outbox` (`entity`, `entity_id`) VALUES ('user', new.`id`);
END;
--> statement-breakpoint
-- local-only
CREATE TRIGGER `sync_consultations_insert` AFTER INSERT ON `consultations` WHEN (SELECT `applying` FROM `sync_control`) = 0 BEGIN
	INSERT INTO `sync_outbox` (`entity`, `entity_id`) VALUES ('consultation', new.`id`);
END;
--> statement-breakpoint
-- local-only
CREATE TRIGGER `sync_consultations_update` AFTER UPDATE ON `consultations` WHEN (SELECT `applying` FROM `sync_control`) = 0 BEGIN
	INSERT INTO `sync_outbox` (`entity`, `entity_id`) VALUES ('consultation', new.`id`);
END;
--> statement-breakpoint
-- local-only
CREATE TRIGGER `sync_versions_insert` AFTER INSERT ON `consultation_versions` WHEN (SELECT `applying` FROM `sync_control`) = 0 BEGIN
	INSERT INTO `sync_outbox` (`entity`, `entity_id`) VALUES ('version', new.`id`);
END;
--> statement-breakpoint
-- local-only
CREATE TRIGGER `sync_consultations_delete` AFTER DELETE ON `consultations` WHEN (SELECT `applying` FROM `sync_control`) = 0 BEGIN
	INSERT OR REPLACE INTO `consultation_tombstones` (`id`, `user_id`, `deleted_at`) VALUES (old.`id`, old.`user_id`, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
	INSERT INTO `sync_outbox` (`entity`, `entity_id`) VALUES ('tombstone', old.`id`);
END;
--> statement-breakpoint
-- local-only: everything that existed before sync was set up is pushed on the first sync.
INSERT INTO `sync_outbox` (`entity`, `entity_id`) SELECT 'user', `id` FROM `users`;
--> statement-breakpoint
-- local-only
INSERT INTO `sync_outbox` (`entity`, `entity_id`) SELECT 'consultation', `id` FROM `consultations`;
--> statement-breakpoint
-- local-only
INSERT INTO `sync_outbox` (`entity`, `entity_id`) SELECT 'version', `id` FROM `consultation_versions` ORDER BY `consultation_id`, `version_number`;
