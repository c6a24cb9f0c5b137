-- Video: recordings uploaded through tus (answers, prompt, intro and outro
-- videos), the comments reviewers pin to a moment, and what each reviewer
-- watched.
ALTER TABLE interviews ADD COLUMN practice BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per recording. purpose says what it belongs to: an answer (a
-- take of an application's video step), a step's prompt, or the
-- interview's intro or outro. upload_id names the tus upload it arrives
-- through (tus_id is tusd's whole id for it, which the S3 store extends);
-- client_key is the recorder's name for the take, so that a create whose
-- answer was lost finds its upload again; original_key is the uploaded
-- file in the blob store, kept as is.
CREATE TABLE media (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    interview_id BIGINT NOT NULL REFERENCES interviews(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('answer', 'prompt', 'intro', 'outro')),
    step_id BIGINT REFERENCES steps(id),
    application_id BIGINT REFERENCES applications(id),
    member_id BIGINT REFERENCES members(id),
    take INTEGER NOT NULL DEFAULT 1,
    upload_id TEXT NOT NULL UNIQUE,
    tus_id TEXT NOT NULL DEFAULT '',
    client_key TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('uploading', 'processing', 'ready', 'failed', 'discarded')),
    error TEXT NOT NULL DEFAULT '',
    filename TEXT NOT NULL DEFAULT '',
    filetype TEXT NOT NULL DEFAULT '',
    size BIGINT NOT NULL DEFAULT 0,
    max_size BIGINT NOT NULL,
    max_seconds INTEGER NOT NULL DEFAULT 0,
    original_key TEXT NOT NULL,
    playable_key TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    poster_key TEXT NOT NULL DEFAULT '',
    rendition_key TEXT NOT NULL DEFAULT '',
    duration_seconds DOUBLE PRECISION,
    removed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX media_application ON media (application_id, step_id, take);
CREATE INDEX media_interview ON media (interview_id, purpose, id);

-- A reviewer's comment pinned to a moment of a recording.
CREATE TABLE media_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    media_id BIGINT NOT NULL REFERENCES media(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    at_seconds DOUBLE PRECISION NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX media_comments_media ON media_comments (media_id, at_seconds, id);

-- What each member has watched of a recording: merged [start, end]
-- second ranges as JSON.
CREATE TABLE media_views (
    media_id BIGINT NOT NULL REFERENCES media(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    ranges TEXT NOT NULL DEFAULT '[]',
    watched_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (media_id, member_id)
);
