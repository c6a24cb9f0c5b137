-- Take-home steps' repositories and the pushes they took (package
-- takehome). A repository lives on the disk of the machine serving it, as
-- a bare git repository under the data directory's git/, and in the blob
-- store as a bundle written after every push (takehome/<app>/<step>.bundle),
-- from which another machine makes it again. The password is a token made
-- for this one repository; only its SHA-256 is kept.
CREATE TABLE takehome_repos (
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    step_id BIGINT NOT NULL REFERENCES steps(id),
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    starter_commit TEXT NOT NULL,
    head_commit TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    -- The team's record of paying the compensation: the day (YYYY-MM-DD)
    -- and their reference; empty while unpaid.
    paid_on TEXT NOT NULL DEFAULT '',
    paid_reference TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, step_id)
);

CREATE TABLE takehome_pushes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    step_id BIGINT NOT NULL REFERENCES steps(id),
    commit_id TEXT NOT NULL,
    parent_commit TEXT NOT NULL,
    message TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('git', 'zip')),
    pushed_at TIMESTAMPTZ NOT NULL,
    -- The push's grading: the hidden tests judged apart (tests, which
    -- score) and the repository's own tests as the candidate's checks
    -- (checks, worth nothing). JSON lists of grader.Test.
    grade_status TEXT NOT NULL DEFAULT 'queued' CHECK (grade_status IN ('queued', 'running', 'done', 'error')),
    score DOUBLE PRECISION,
    max_score DOUBLE PRECISION,
    tests TEXT NOT NULL DEFAULT '[]',
    checks TEXT NOT NULL DEFAULT '[]',
    compile_error TEXT NOT NULL DEFAULT '',
    logs TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    warnings TEXT NOT NULL DEFAULT '[]',
    wall_ms BIGINT NOT NULL DEFAULT 0,
    max_rss_bytes BIGINT NOT NULL DEFAULT 0,
    graded_at TIMESTAMPTZ,
    UNIQUE (application_id, step_id, commit_id)
);

-- Reviewers' comments on lines of a take-home's work: on a line of a file
-- at a commit, on the side of the diff it was read on (old or new). A
-- comment is the team's unless marked feedback, which the candidate reads
-- once told the decision.
CREATE TABLE takehome_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    step_id BIGINT NOT NULL REFERENCES steps(id),
    member_id BIGINT REFERENCES members(id) ON DELETE SET NULL,
    author TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    path TEXT NOT NULL,
    line INTEGER NOT NULL CHECK (line > 0),
    side TEXT NOT NULL CHECK (side IN ('old', 'new')),
    body TEXT NOT NULL,
    feedback BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX takehome_comments_application ON takehome_comments (application_id, step_id, id);
