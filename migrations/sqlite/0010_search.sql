-- Custom migration: search that folds text the way a person types it (src/shared/searchText.ts).
-- The index holds fieldbook_search_text(all text of the four sections): accents, Greek tonos, final sigma
-- and case folded, CJK/Thai/Korean split into one token per character. That function is registered on
-- every connection the app opens (src/main/db/searchFunction.ts). The ascii tokenizer splits only at the
-- spaces the function puts between tokens (every non-ASCII character is a token character; folded tokens
-- hold no ASCII punctuation), so FTS5's tokens are exactly the function's: Devanagari and Thai vowel signs
-- stay in their tokens, and the list can check a row's stored text with the same phrases.
-- local-only: no FTS5 on the remote.
DROP TRIGGER IF EXISTS `consultations_fts_after_insert`;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
DROP TRIGGER IF EXISTS `consultations_fts_after_update`;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
-- The delete trigger (0001) is unchanged: it names the table, which is back before the step ends.
DROP TABLE `consultations_fts`;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
CREATE VIRTUAL TABLE `consultations_fts` USING fts5(`body`, tokenize = 'ascii');
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
CREATE TRIGGER `consultations_fts_after_insert` AFTER INSERT ON `consultations` BEGIN
	INSERT INTO `consultation_search_keys` (`consultation_id`) VALUES (new.`id`);
	INSERT INTO `consultations_fts` (`rowid`, `body`)
	SELECT last_insert_rowid(), fieldbook_search_text(coalesce(group_concat(`value`, ' '), ''))
	FROM json_tree(json_array(json(new.`contact_info`), json(new.`business_context`), json(new.`pain_points`), json(new.`goals_objectives`)))
	WHERE `type` = 'text';
END;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
CREATE TRIGGER `consultations_fts_after_update` AFTER UPDATE OF `contact_info`, `business_context`, `pain_points`, `goals_objectives` ON `consultations` BEGIN
	DELETE FROM `consultations_fts` WHERE `rowid` = (SELECT `search_rowid` FROM `consultation_search_keys` WHERE `consultation_id` = new.`id`);
	INSERT INTO `consultations_fts` (`rowid`, `body`)
	SELECT (SELECT `search_rowid` FROM `consultation_search_keys` WHERE `consultation_id` = new.`id`), fieldbook_search_text(coalesce(group_concat(`value`, ' '), ''))
	FROM json_tree(json_array(json(new.`contact_info`), json(new.`business_context`), json(new.`pain_points`), json(new.`goals_objectives`)))
	WHERE `type` = 'text';
END;
--> statement-breakpoint
-- local-only: no FTS5 on the remote.
-- Reindex every consultation already stored, under the keys it already has.
INSERT INTO `consultations_fts` (`rowid`, `body`)
SELECT k.`search_rowid`, fieldbook_search_text((
	SELECT coalesce(group_concat(`value`, ' '), '')
	FROM json_tree(json_array(json(c.`contact_info`), json(c.`business_context`), json(c.`pain_points`), json(c.`goals_objectives`)))
	WHERE `type` = 'text'
))
FROM `consultation_search_keys` k JOIN `consultations` c ON c.`id` = k.`consultation_id`;
