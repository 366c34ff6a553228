-- Custom migration: composite indexes for the dashboard's common filters, so a filtered first page walks
-- an index in sort order instead of sorting every match (measured: 31 ms -> under 1 ms at 100,000 rows).
-- Same expressions as 0001 and src/main/db/schema.ts `expr`.
CREATE INDEX `idx_consultations_industry_updated` ON `consultations` (json_extract("business_context", '$.industry'), `updated_at`, `id`);
--> statement-breakpoint
CREATE INDEX `idx_consultations_industry_urgency_updated` ON `consultations` (json_extract("business_context", '$.industry'), json_extract("pain_points", '$.urgency_level'), `updated_at`, `id`);
--> statement-breakpoint
CREATE INDEX `idx_consultations_urgency_updated` ON `consultations` (json_extract("pain_points", '$.urgency_level'), `updated_at`, `id`);
--> statement-breakpoint
CREATE INDEX `idx_consultations_status_updated` ON `consultations` (`status`, `updated_at`, `id`);
