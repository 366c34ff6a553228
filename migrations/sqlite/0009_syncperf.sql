-- Custom migration: an outbox that holds each change once and counts what waits (see src/main/store/syncOutbox.ts).
-- local-only: changes waiting, each entity once, kept up to date by the triggers below (the status reads it in O(1)).
ALTER TABLE `sync_control` ADD COLUMN `pending` integer NOT NULL DEFAULT 0;
--> statement-breakpoint
-- local-only: the last outbox seq of a push batch in flight; an entity queued at or below it may be queued again.
ALTER TABLE `sync_control` ADD COLUMN `sent_up_to` integer NOT NULL DEFAULT 0;
--> statement-breakpoint
-- local-only: compact the duplicates an outbox gathered while sync was off; the first (order) and last (newest) stay.
DELETE FROM `sync_outbox` WHERE `seq` NOT IN (
	SELECT min(`seq`) FROM `sync_outbox` GROUP BY `entity`, `entity_id`
	UNION ALL SELECT max(`seq`) FROM `sync_outbox` GROUP BY `entity`, `entity_id`
);
--> statement-breakpoint
-- local-only
UPDATE `sync_control` SET `pending` = (SELECT count(*) FROM (SELECT DISTINCT `entity`, `entity_id` FROM `sync_outbox`)) WHERE `id` = 1;
--> statement-breakpoint
-- local-only: an entity already waiting (beyond a batch in flight) is not queued again.
CREATE TRIGGER "sync_outbox_once" BEFORE INSERT ON "sync_outbox"
      WHEN EXISTS (SELECT 1 FROM "sync_outbox" WHERE "entity" = new."entity" AND "entity_id" = new."entity_id" AND "seq" > (SELECT "sent_up_to" FROM "sync_control" WHERE "id" = 1)) BEGIN
        SELECT RAISE(IGNORE);
      END;
--> statement-breakpoint
-- local-only
CREATE TRIGGER "sync_outbox_count_insert" AFTER INSERT ON "sync_outbox"
      WHEN NOT EXISTS (SELECT 1 FROM "sync_outbox" WHERE "entity" = new."entity" AND "entity_id" = new."entity_id" AND "seq" <> new."seq") BEGIN
        UPDATE "sync_control" SET "pending" = "pending" + 1 WHERE "id" = 1;
      END;
--> statement-breakpoint
-- local-only
CREATE TRIGGER "sync_outbox_count_delete" AFTER DELETE ON "sync_outbox"
      WHEN NOT EXISTS (SELECT 1 FROM "sync_outbox" WHERE "entity" = old."entity" AND "entity_id" = old."entity_id") BEGIN
        UPDATE "sync_control" SET "pending" = "pending" - 1 WHERE "id" = 1;
      END;
