-- Removes exactly what 001_create_consultations.up.sql created (indexes go with their tables).
BEGIN;
DROP TABLE consultation_versions;
DROP TABLE consultation_drafts;
DROP TABLE consultations;
DROP TABLE users;
COMMIT;
