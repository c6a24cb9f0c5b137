-- How alike candidates' code is, per step (package matching). A step's row
-- holds the team's threshold and where the last comparison stands; pairs
-- are kept from a floor (10%) up, so that lowering the threshold needs no
-- new comparison. Each comparison replaces the step's pairs whole.
CREATE TABLE similarity_steps (
    step_id BIGINT PRIMARY KEY REFERENCES steps(id),
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    threshold DOUBLE PRECISION NOT NULL DEFAULT 0.5 CHECK (threshold >= 0 AND threshold <= 1),
    status TEXT NOT NULL DEFAULT 'none' CHECK (status IN ('none', 'queued', 'running', 'done', 'error')),
    -- attempt grows with every comparison queued; a task compares only if
    -- it is still the newest.
    attempt INTEGER NOT NULL DEFAULT 0,
    -- submissions read at the last comparison, and of those the ones with
    -- code of their own left once the starter is set aside.
    submissions INTEGER NOT NULL DEFAULT 0,
    compared INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    computed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Code the team compares candidates' against: a solution found on the
-- web, a past candidate's.
CREATE TABLE similarity_references (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    step_id BIGINT NOT NULL REFERENCES steps(id),
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    code TEXT NOT NULL,
    member_id BIGINT REFERENCES members(id) ON DELETE SET NULL,
    added_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX similarity_references_step ON similarity_references (step_id, id);

-- Two submissions alike: two applications, or an application (left) and
-- a reference. fragments is a JSON list of
-- {"left": {"file", "start", "end"}, "right": {...}}, lines from 1.
CREATE TABLE similarity_pairs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    step_id BIGINT NOT NULL REFERENCES steps(id),
    language TEXT NOT NULL,
    left_application_id BIGINT NOT NULL REFERENCES applications(id),
    right_application_id BIGINT REFERENCES applications(id),
    right_reference_id BIGINT REFERENCES similarity_references(id),
    similarity DOUBLE PRECISION NOT NULL,
    fragments TEXT NOT NULL DEFAULT '[]',
    CHECK ((right_application_id IS NULL) <> (right_reference_id IS NULL))
);
CREATE INDEX similarity_pairs_step ON similarity_pairs (step_id, similarity);
CREATE INDEX similarity_pairs_left ON similarity_pairs (left_application_id, step_id);
CREATE INDEX similarity_pairs_right ON similarity_pairs (right_application_id, step_id);
