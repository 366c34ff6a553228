-- Custom migration: what drizzle-kit cannot express.
-- 1. The seed's GIN indexes in SQLite form: expression indexes on the exact json_extract the queries use
--    (src/main/db/schema.ts `expr`). Business name is lower-cased so prefix search and sorting ignore case.
CREATE INDEX `idx_consultations_contact_business_name` ON `consultations` (ifnull(lower(json_extract("contact_info", '$.business_name')), ''), `id`);
--> statement-breakpoint
CREATE INDEX `idx_consultations_business_industry` ON `consultations` (json_extract("business_context", '$.industry'));
--> statement-breakpoint
CREATE INDEX `idx_consultations_urgency` ON `consultations` (json_extract("pain_points", '$.urgency_level'));
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
-- 2. Full-text search over the text of all four sections, kept in step by triggers.
-- FTS rows are keyed by an INTEGER PRIMARY KEY of our own: the implicit rowid of `consultations` (a text
-- primary key) may be renumbered by VACUUM, which would detach the index from its rows.
CREATE TABLE `consultation_search_keys` (
	`search_rowid` integer PRIMARY KEY,
	`consultation_id` text NOT NULL UNIQUE
);
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
CREATE VIRTUAL TABLE `consultations_fts` USING fts5(`body`, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
CREATE TRIGGER `consultations_fts_after_insert` AFTER INSERT ON `consultations` BEGIN
	INSERT INTO `consultation_search_keys` (`consultation_id`) VALUES (new.`id`);
	INSERT INTO `consultations_fts` (`rowid`, `body`)
	SELECT last_insert_rowid(), coalesce(group_concat(`value`, ' '), '')
	FROM json_tree(json_array(json(new.`contact_info`), json(new.`business_context`), json(new.`pain_points`), json(new.`goals_objectives`)))
	WHERE `type` = 'text';
END;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
CREATE TRIGGER `consultations_fts_after_update` AFTER UPDATE OF `contact_info`, `business_context`, `pain_points`, `goals_objectives` ON `consultations` BEGIN
	DELETE FROM `consultations_fts` WHERE `rowid` = (SELECT `search_rowid` FROM `consultation_search_keys` WHERE `consultation_id` = new.`id`);
	INSERT INTO `consultations_fts` (`rowid`, `body`)
	SELECT (SELECT `search_rowid` FROM `consultation_search_keys` WHERE `consultation_id` = new.`id`), coalesce(group_concat(`value`, ' '), '')
	FROM json_tree(json_array(json(new.`contact_info`), json(new.`business_context`), json(new.`pain_points`), json(new.`goals_objectives`)))
	WHERE `type` = 'text';
END;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
CREATE TRIGGER `consultations_fts_before_delete` BEFORE DELETE ON `consultations` BEGIN
	DELETE FROM `consultations_fts` WHERE `rowid` = (SELECT `search_rowid` FROM `consultation_search_keys` WHERE `consultation_id` = old.`id`);
	DELETE FROM `consultation_search_keys` WHERE `consultation_id` = old.`id`;
END;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
-- 3. Index the consultations that existed before this migration.
INSERT INTO `consultation_search_keys` (`consultation_id`) SELECT `id` FROM `consultations` ORDER BY `id`;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
INSERT INTO `consultations_fts` (`rowid`, `body`)
SELECT k.`search_rowid`, (
	SELECT coalesce(group_concat(`value`, ' '), '')
	FROM json_tree(json_array(json(c.`contact_info`), json(c.`business_context`), json(c.`pain_points`), json(c.`goals_objectives`)))
	WHERE `type` = 'text'
)
FROM `consultation_search_keys` k JOIN `consultations` c ON c.`id` = k.`consultation_id`;
