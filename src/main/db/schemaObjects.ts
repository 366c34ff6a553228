// The triggers and the indexes drizzle-kit cannot express (expression indexes, indexes on tables outside
// schema.ts): one list that the migrator uses to put back what a table rebuild dropped and that the schema
// check and restore inspection require. Each SQL is the statement its custom migration ran (identifiers in
// double quotes; SQLite stores them as written, schemaShape compares them quote-blind). A test asserts a
// fresh database holds exactly these.

export interface SchemaObject {
  type: 'index' | 'trigger';
  name: string;
  table: string;
  /** Index in the migration journal of the migration that created it: it exists from that step on. */
  since: number;
  /** Index of the migration that replaced it, if any: it exists up to the step before. */
  until?: number;
  /** 'local': only in the laptop's database (triggers, full-text search, outbox); 'both': team database too. */
  side: 'local' | 'both';
  sql: string;
}

export const SCHEMA_OBJECTS: readonly SchemaObject[] = [
  {
    type: 'index',
    name: 'idx_consultations_contact_business_name',
    table: 'consultations',
    since: 1, // 0001_search
    side: 'both',
    sql: `CREATE INDEX "idx_consultations_contact_business_name" ON "consultations" (ifnull(lower(json_extract("contact_info", '$.business_name')), ''), "id")`,
  },
  {
    type: 'index',
    name: 'idx_consultations_business_industry',
    table: 'consultations',
    since: 1, // 0001_search
    side: 'both',
    sql: `CREATE INDEX "idx_consultations_business_industry" ON "consultations" (json_extract("business_context", '$.industry'))`,
  },
  {
    type: 'index',
    name: 'idx_consultations_urgency',
    table: 'consultations',
    since: 1, // 0001_search
    side: 'both',
    sql: `CREATE INDEX "idx_consultations_urgency" ON "consultations" (json_extract("pain_points", '$.urgency_level'))`,
  },
  {
    type: 'trigger',
    name: 'consultations_fts_after_insert',
    table: 'consultations',
    since: 1, // 0001_search
    until: 10, // 0010_search
    side: 'local',
    sql: `CREATE TRIGGER "consultations_fts_after_insert" AFTER INSERT ON "consultations" BEGIN
        INSERT INTO "consultation_search_keys" ("consultation_id") VALUES (new."id");
        INSERT INTO "consultations_fts" ("rowid", "body")
        SELECT last_insert_rowid(), coalesce(group_concat("value", ' '), '')
        FROM json_tree(json_array(json(new."contact_info"), json(new."business_context"), json(new."pain_points"), json(new."goals_objectives")))
        WHERE "type" = 'text';
      END`,
  },
  {
    type: 'trigger',
    name: 'consultations_fts_after_update',
    table: 'consultations',
    since: 1, // 0001_search
    until: 10, // 0010_search
    side: 'local',
    sql: `CREATE TRIGGER "consultations_fts_after_update" AFTER UPDATE OF "contact_info", "business_context", "pain_points", "goals_objectives" ON "consultations" BEGIN
        DELETE FROM "consultations_fts" WHERE "rowid" = (SELECT "search_rowid" FROM "consultation_search_keys" WHERE "consultation_id" = new."id");
        INSERT INTO "consultations_fts" ("rowid", "body")
        SELECT (SELECT "search_rowid" FROM "consultation_search_keys" WHERE "consultation_id" = new."id"), coalesce(group_concat("value", ' '), '')
        FROM json_tree(json_array(json(new."contact_info"), json(new."business_context"), json(new."pain_points"), json(new."goals_objectives")))
        WHERE "type" = 'text';
      END`,
  },
  {
    type: 'trigger',
    name: 'consultations_fts_before_delete',
    table: 'consultations',
    since: 1, // 0001_search
    side: 'local',
    sql: `CREATE TRIGGER "consultations_fts_before_delete" BEFORE DELETE ON "consultations" BEGIN
        DELETE FROM "consultations_fts" WHERE "rowid" = (SELECT "search_rowid" FROM "consultation_search_keys" WHERE "consultation_id" = old."id");
        DELETE FROM "consultation_search_keys" WHERE "consultation_id" = old."id";
      END`,
  },
  {
    type: 'index',
    name: 'idx_consultations_industry_updated',
    table: 'consultations',
    since: 2, // 0002_dashboard_indexes
    side: 'both',
    sql: `CREATE INDEX "idx_consultations_industry_updated" ON "consultations" (json_extract("business_context", '$.industry'), "updated_at", "id")`,
  },
  {
    type: 'index',
    name: 'idx_consultations_industry_urgency_updated',
    table: 'consultations',
    since: 2, // 0002_dashboard_indexes
    side: 'both',
    sql: `CREATE INDEX "idx_consultations_industry_urgency_updated" ON "consultations" (json_extract("business_context", '$.industry'), json_extract("pain_points", '$.urgency_level'), "updated_at", "id")`,
  },
  {
    type: 'index',
    name: 'idx_consultations_urgency_updated',
    table: 'consultations',
    since: 2, // 0002_dashboard_indexes
    side: 'both',
    sql: `CREATE INDEX "idx_consultations_urgency_updated" ON "consultations" (json_extract("pain_points", '$.urgency_level'), "updated_at", "id")`,
  },
  {
    type: 'index',
    name: 'idx_consultations_status_updated',
    table: 'consultations',
    since: 2, // 0002_dashboard_indexes
    side: 'both',
    sql: `CREATE INDEX "idx_consultations_status_updated" ON "consultations" ("status", "updated_at", "id")`,
  },
  {
    type: 'index',
    name: 'idx_consultations_follow_up_of',
    table: 'consultations',
    since: 6, // 0006_signoff_followup (a drizzle index, listed so the check counts it like the other later ones)
    side: 'both',
    sql: `CREATE INDEX "idx_consultations_follow_up_of" ON "consultations" ("follow_up_of")`,
  },
  {
    type: 'index',
    name: 'idx_sync_outbox_entity',
    table: 'sync_outbox',
    since: 3, // 0003_sync
    side: 'local',
    sql: `CREATE INDEX "idx_sync_outbox_entity" ON "sync_outbox" ("entity", "entity_id")`,
  },
  {
    type: 'index',
    name: 'idx_consultation_conflicts_consultation',
    table: 'consultation_conflicts',
    since: 3, // 0003_sync
    side: 'local',
    sql: `CREATE INDEX "idx_consultation_conflicts_consultation" ON "consultation_conflicts" ("consultation_id", "resolved_at")`,
  },
  {
    type: 'trigger',
    name: 'sync_users_insert',
    table: 'users',
    since: 3, // 0003_sync
    side: 'local',
    sql: `CREATE TRIGGER "sync_users_insert" AFTER INSERT ON "users" WHEN (SELECT "applying" FROM "sync_control") = 0 BEGIN
        INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES ('user', new."id");
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_users_update',
    table: 'users',
    since: 3, // 0003_sync
    side: 'local',
    sql: `CREATE TRIGGER "sync_users_update" AFTER UPDATE ON "users" WHEN (SELECT "applying" FROM "sync_control") = 0 BEGIN
        INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES ('user', new."id");
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_consultations_insert',
    table: 'consultations',
    since: 3, // 0003_sync
    side: 'local',
    sql: `CREATE TRIGGER "sync_consultations_insert" AFTER INSERT ON "consultations" WHEN (SELECT "applying" FROM "sync_control") = 0 BEGIN
        INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES ('consultation', new."id");
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_consultations_update',
    table: 'consultations',
    since: 3, // 0003_sync
    side: 'local',
    sql: `CREATE TRIGGER "sync_consultations_update" AFTER UPDATE ON "consultations" WHEN (SELECT "applying" FROM "sync_control") = 0 BEGIN
        INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES ('consultation', new."id");
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_versions_insert',
    table: 'consultation_versions',
    since: 3, // 0003_sync
    side: 'local',
    sql: `CREATE TRIGGER "sync_versions_insert" AFTER INSERT ON "consultation_versions" WHEN (SELECT "applying" FROM "sync_control") = 0 BEGIN
        INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES ('version', new."id");
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_consultations_delete',
    table: 'consultations',
    since: 3, // 0003_sync
    side: 'local',
    sql: `CREATE TRIGGER "sync_consultations_delete" AFTER DELETE ON "consultations" WHEN (SELECT "applying" FROM "sync_control") = 0 BEGIN
        INSERT OR REPLACE INTO "consultation_tombstones" ("id", "user_id", "deleted_at") VALUES (old."id", old."user_id", strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES ('tombstone', old."id");
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_conflicts_insert',
    table: 'consultation_conflicts',
    since: 5, // 0005_conflicts
    side: 'local',
    sql: `CREATE TRIGGER "sync_conflicts_insert" AFTER INSERT ON "consultation_conflicts" WHEN (SELECT "applying" FROM "sync_control") = 0 BEGIN
        INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES ('consultation', new."consultation_id");
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_conflicts_resolve',
    table: 'consultation_conflicts',
    since: 5, // 0005_conflicts
    side: 'local',
    sql: `CREATE TRIGGER "sync_conflicts_resolve" AFTER UPDATE OF "resolved_at" ON "consultation_conflicts" WHEN (SELECT "applying" FROM "sync_control") = 0 BEGIN
        INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES ('consultation', new."consultation_id");
      END`,
  },
  {
    type: 'trigger',
    name: 'consultation_status_counts_insert',
    table: 'consultations',
    since: 8, // 0008_scale
    side: 'local',
    sql: `CREATE TRIGGER "consultation_status_counts_insert" AFTER INSERT ON "consultations" BEGIN
        UPDATE "consultation_status_counts" SET "n" = "n" + 1 WHERE "status" = new."status";
      END`,
  },
  {
    type: 'trigger',
    name: 'consultation_status_counts_delete',
    table: 'consultations',
    since: 8, // 0008_scale
    side: 'local',
    sql: `CREATE TRIGGER "consultation_status_counts_delete" AFTER DELETE ON "consultations" BEGIN
        UPDATE "consultation_status_counts" SET "n" = "n" - 1 WHERE "status" = old."status";
      END`,
  },
  {
    type: 'trigger',
    name: 'consultation_status_counts_update',
    table: 'consultations',
    since: 8, // 0008_scale
    side: 'local',
    sql: `CREATE TRIGGER "consultation_status_counts_update" AFTER UPDATE OF "status" ON "consultations" WHEN old."status" IS NOT new."status" BEGIN
        UPDATE "consultation_status_counts" SET "n" = "n" - 1 WHERE "status" = old."status";
        UPDATE "consultation_status_counts" SET "n" = "n" + 1 WHERE "status" = new."status";
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_outbox_once',
    table: 'sync_outbox',
    since: 9, // 0009_syncperf
    side: 'local',
    sql: `CREATE TRIGGER "sync_outbox_once" BEFORE INSERT ON "sync_outbox"
      WHEN EXISTS (SELECT 1 FROM "sync_outbox" WHERE "entity" = new."entity" AND "entity_id" = new."entity_id" AND "seq" > (SELECT "sent_up_to" FROM "sync_control" WHERE "id" = 1)) BEGIN
        SELECT RAISE(IGNORE);
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_outbox_count_insert',
    table: 'sync_outbox',
    since: 9, // 0009_syncperf
    side: 'local',
    sql: `CREATE TRIGGER "sync_outbox_count_insert" AFTER INSERT ON "sync_outbox"
      WHEN NOT EXISTS (SELECT 1 FROM "sync_outbox" WHERE "entity" = new."entity" AND "entity_id" = new."entity_id" AND "seq" <> new."seq") BEGIN
        UPDATE "sync_control" SET "pending" = "pending" + 1 WHERE "id" = 1;
      END`,
  },
  {
    type: 'trigger',
    name: 'sync_outbox_count_delete',
    table: 'sync_outbox',
    since: 9, // 0009_syncperf
    side: 'local',
    sql: `CREATE TRIGGER "sync_outbox_count_delete" AFTER DELETE ON "sync_outbox"
      WHEN NOT EXISTS (SELECT 1 FROM "sync_outbox" WHERE "entity" = old."entity" AND "entity_id" = old."entity_id") BEGIN
        UPDATE "sync_control" SET "pending" = "pending" - 1 WHERE "id" = 1;
      END`,
  },
  {
    type: 'trigger',
    name: 'consultations_fts_after_insert',
    table: 'consultations',
    since: 10, // 0010_search
    side: 'local',
    sql: `CREATE TRIGGER "consultations_fts_after_insert" AFTER INSERT ON "consultations" BEGIN
        INSERT INTO "consultation_search_keys" ("consultation_id") VALUES (new."id");
        INSERT INTO "consultations_fts" ("rowid", "body")
        SELECT last_insert_rowid(), fieldbook_search_text(coalesce(group_concat("value", ' '), ''))
        FROM json_tree(json_array(json(new."contact_info"), json(new."business_context"), json(new."pain_points"), json(new."goals_objectives")))
        WHERE "type" = 'text';
      END`,
  },
  {
    type: 'trigger',
    name: 'consultations_fts_after_update',
    table: 'consultations',
    since: 10, // 0010_search
    side: 'local',
    sql: `CREATE TRIGGER "consultations_fts_after_update" AFTER UPDATE OF "contact_info", "business_context", "pain_points", "goals_objectives" ON "consultations" BEGIN
        DELETE FROM "consultations_fts" WHERE "rowid" = (SELECT "search_rowid" FROM "consultation_search_keys" WHERE "consultation_id" = new."id");
        INSERT INTO "consultations_fts" ("rowid", "body")
        SELECT (SELECT "search_rowid" FROM "consultation_search_keys" WHERE "consultation_id" = new."id"), fieldbook_search_text(coalesce(group_concat("value", ' '), ''))
        FROM json_tree(json_array(json(new."contact_info"), json(new."business_context"), json(new."pain_points"), json(new."goals_objectives")))
        WHERE "type" = 'text';
      END`,
  },
];

/** The same statement, harmless if the object exists (SQLite stores it without the IF NOT EXISTS). */
export function createIfMissing(object: SchemaObject): string {
  return object.sql.replace(/^CREATE (UNIQUE INDEX|INDEX|TRIGGER) /, 'CREATE $1 IF NOT EXISTS ');
}

/** Objects that exist after the migration at journal index `step`, on one side. */
export function objectsAt(step: number, side: 'local' | 'remote'): SchemaObject[] {
  return SCHEMA_OBJECTS.filter((o) => o.since <= step && (o.until === undefined || step < o.until) && (o.side === 'both' || side === 'local'));
}
