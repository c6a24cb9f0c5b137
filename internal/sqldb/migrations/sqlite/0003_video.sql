-- Video: recordings uploaded through tus (answers, prompt, intro and outro
-- videos), the comments reviewers pin to a moment, and what each reviewer
-- watched.
ALTER TABLE interviews ADD COLUMN practice INTEGER NOT NULL DEFAULT FALSE;

-- One row per recording. purpose says what it belongs to: an answer (a
-- take of an application's video step), a step's prompt, or the
-- interview's intro or outro. upload_id names the tus upload it arrives
-- through (tus_id is tusd's whole id for it, which the S3 store extends);
-- client_key is the recorder's name for the take, so that a create whose
-- answer was lost finds its upload again; original_key is the uploaded
-- file in the blob store, kept as is.
CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('answer', 'prompt', 'intro', 'outro')),
    step_id INTEGER REFERENCES steps(id),
    application_id INTEGER REFERENCES applications(id),
    member_id INTEGER REFERENCES members(id),
    take INTEGER NOT NULL DEFAULT 1,
    upload_id TEXT NOT NULL UNIQUE,
    tus_id TEXT NOT NULL DEFAULT '',
    client_key TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('uploading', 'processing', 'ready', 'failed', 'discarded')),
    error TEXT NOT NULL DEFAULT '',
    filename TEXT NOT NULL DEFAULT '',
    filetype TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    max_size INTEGER NOT NULL,
    max_seconds INTEGER NOT NULL DEFAULT 0,
    original_key TEXT NOT NULL,
    playable_key TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    poster_key TEXT NOT NULL DEFAULT '',
    rendition_key TEXT NOT NULL DEFAULT '',
    duration_seconds REAL,
    removed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX media_application ON media (application_id, step_id, take);
CREATE INDEX media_interview ON media (interview_id, purpose, id);

-- A reviewer's comment pinned to a moment of a recording.
CREATE TABLE media_comments (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    media_id INTEGER NOT NULL REFERENCES media(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    at_seconds REAL NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_comments_media ON media_comments (media_id, at_seconds, id);

-- What each member has watched of a recording: merged [start, end]
-- second ranges as JSON.
CREATE TABLE media_views (
    media_id INTEGER NOT NULL REFERENCES media(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    ranges TEXT NOT NULL DEFAULT '[]',
    watched_seconds REAL NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (media_id, member_id)
);
