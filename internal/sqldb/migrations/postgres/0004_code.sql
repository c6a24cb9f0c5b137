-- Code answers' grading: one row per application and code step, the
-- latest result. attempt counts the gradings asked for, so that a task
-- for an older answer, overtaken by a newer save, skips its work.
CREATE TABLE gradings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    step_id BIGINT NOT NULL REFERENCES steps(id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'error')),
    attempt INTEGER NOT NULL DEFAULT 0,
    language TEXT NOT NULL,
    score DOUBLE PRECISION,
    max_score DOUBLE PRECISION,
    tests TEXT NOT NULL DEFAULT '[]',
    compile_error TEXT NOT NULL DEFAULT '',
    logs TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    wall_ms INTEGER NOT NULL DEFAULT 0,
    max_rss_bytes BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (application_id, step_id)
);
CREATE INDEX gradings_step ON gradings (step_id);
