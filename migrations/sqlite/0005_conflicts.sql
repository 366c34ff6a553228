-- Custom migration: sync conflicts travel to the owner's other devices (see src/main/sync/conflictTravel.ts).
-- A consultation's conflicts go out whenever the consultation is pushed and come in with it; a conflict
-- only ever changes from open to resolved, so every device ends with the same set.
-- remote-only: the team's copy of each device's conflicts (the local table exists since 0003_sync).
CREATE TABLE IF NOT EXISTS `consultation_conflicts` (
	`id` text PRIMARY KEY NOT NULL,
	`consultation_id` text NOT NULL,
	`field_path` text NOT NULL,
	`base_value` text,
	`our_value` text,
	`their_value` text,
	`created_at` text NOT NULL,
	`resolved_at` text
);
--> statement-breakpoint
-- remote-only
CREATE INDEX IF NOT EXISTS `idx_consultation_conflicts_consultation` ON `consultation_conflicts` (`consultation_id`, `resolved_at`);
--> statement-breakpoint
-- local-only: a conflict recorded or resolved here queues its consultation, which carries it to the team.
CREATE TRIGGER `sync_conflicts_insert` AFTER INSERT ON `consultation_conflicts` WHEN (SELECT `applying` FROM `sync_control`) = 0 BEGIN
	INSERT INTO `sync_outbox` (`entity`, `entity_id`) VALUES ('consultation', new.`consultation_id`);
END;
--> statement-breakpoint
-- local-only
CREATE TRIGGER `sync_conflicts_resolve` AFTER UPDATE OF `resolved_at` ON `consultation_conflicts` WHEN (SELECT `applying` FROM `sync_control`) = 0 BEGIN
	INSERT INTO `sync_outbox` (`entity`, `entity_id`) VALUES ('consultation', new.`consultation_id`);
END;
