-- Fieldbook server schema for PostgreSQL (15+), from the seed's 001_create_consultations, corrected:
--  1. The seed references users(id) but never creates it: this migration creates `users`.
--  2. The seed's GIN indexes on (col->>'key') fail: ->> yields text, and text has no GIN operator class.
--     They become B-tree expression indexes, which is what equality, prefix (text_pattern_ops) and sorting
--     need; whole-document containment queries get GIN jsonb_path_ops indexes on the JSONB columns.
--  3. completion_percentage and the timestamps become NOT NULL; JSON sections must be objects.
--  4. The seed's table section lists indexes its migration forgot (drafts updated_at, versions created_at);
--     the indexes on consultation_id that the UNIQUE constraints already provide are not repeated.
--  5. Columns the app's model adds are here too, so a row means the same on every engine:
--     consultations.current_version, consultation_drafts.base_version/has_changes, consultation_versions.note.
-- Ids and timestamps are made by the app (UUIDv7, UTC); the defaults are a fallback for manual inserts.
BEGIN;

CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

CREATE TABLE consultations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    contact_info JSONB NOT NULL DEFAULT '{}',
    business_context JSONB NOT NULL DEFAULT '{}',
    pain_points JSONB NOT NULL DEFAULT '{}',
    goals_objectives JSONB NOT NULL DEFAULT '{}',
    status VARCHAR(50) NOT NULL DEFAULT 'draft',
    completion_percentage INTEGER NOT NULL DEFAULT 0,
    current_version INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    completed_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT valid_status CHECK (status IN ('draft', 'completed', 'archived')),
    CONSTRAINT valid_completion CHECK (completion_percentage >= 0 AND completion_percentage <= 100),
    CONSTRAINT sections_are_objects CHECK (
        jsonb_typeof(contact_info) = 'object' AND jsonb_typeof(business_context) = 'object'
        AND jsonb_typeof(pain_points) = 'object' AND jsonb_typeof(goals_objectives) = 'object'
    )
);

CREATE INDEX idx_consultations_user_id ON consultations(user_id);
CREATE INDEX idx_consultations_status ON consultations(status);
CREATE INDEX idx_consultations_created_at ON consultations(created_at, id);
CREATE INDEX idx_consultations_updated_at ON consultations(updated_at, id);
CREATE INDEX idx_consultations_contact_business_name ON consultations ((lower(contact_info->>'business_name')) text_pattern_ops);
CREATE INDEX idx_consultations_business_industry ON consultations ((business_context->>'industry'));
CREATE INDEX idx_consultations_urgency ON consultations ((pain_points->>'urgency_level'));
CREATE INDEX idx_consultations_contact_info_doc ON consultations USING GIN (contact_info jsonb_path_ops);
CREATE INDEX idx_consultations_business_context_doc ON consultations USING GIN (business_context jsonb_path_ops);
CREATE INDEX idx_consultations_pain_points_doc ON consultations USING GIN (pain_points jsonb_path_ops);

CREATE TABLE consultation_drafts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    contact_info JSONB NOT NULL DEFAULT '{}',
    business_context JSONB NOT NULL DEFAULT '{}',
    pain_points JSONB NOT NULL DEFAULT '{}',
    goals_objectives JSONB NOT NULL DEFAULT '{}',
    auto_saved BOOLEAN NOT NULL DEFAULT true,
    draft_notes TEXT,
    has_changes BOOLEAN NOT NULL DEFAULT true,
    base_version INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT one_draft_per_consultation UNIQUE (consultation_id),
    CONSTRAINT draft_sections_are_objects CHECK (
        jsonb_typeof(contact_info) = 'object' AND jsonb_typeof(business_context) = 'object'
        AND jsonb_typeof(pain_points) = 'object' AND jsonb_typeof(goals_objectives) = 'object'
    )
);

CREATE INDEX idx_consultation_drafts_user_id ON consultation_drafts(user_id);
CREATE INDEX idx_consultation_drafts_updated_at ON consultation_drafts(updated_at);

CREATE TABLE consultation_versions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    consultation_id UUID NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    version_number INTEGER NOT NULL,
    contact_info JSONB NOT NULL DEFAULT '{}',
    business_context JSONB NOT NULL DEFAULT '{}',
    pain_points JSONB NOT NULL DEFAULT '{}',
    goals_objectives JSONB NOT NULL DEFAULT '{}',
    status VARCHAR(50) NOT NULL,
    completion_percentage INTEGER NOT NULL,
    change_summary TEXT,
    changed_fields JSONB NOT NULL DEFAULT '[]',
    note TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT unique_version_number UNIQUE (consultation_id, version_number),
    CONSTRAINT version_number_positive CHECK (version_number >= 1),
    CONSTRAINT version_valid_status CHECK (status IN ('draft', 'completed', 'archived')),
    CONSTRAINT version_valid_completion CHECK (completion_percentage >= 0 AND completion_percentage <= 100),
    CONSTRAINT changed_fields_is_array CHECK (jsonb_typeof(changed_fields) = 'array'),
    CONSTRAINT version_sections_are_objects CHECK (
        jsonb_typeof(contact_info) = 'object' AND jsonb_typeof(business_context) = 'object'
        AND jsonb_typeof(pain_points) = 'object' AND jsonb_typeof(goals_objectives) = 'object'
    )
);

CREATE INDEX idx_consultation_versions_user_id ON consultation_versions(user_id);
CREATE INDEX idx_consultation_versions_created_at ON consultation_versions(created_at);

COMMIT;
