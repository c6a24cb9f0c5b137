-- Organisations and the people in them.
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'recruiter', 'reviewer')),
    password_hash TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);
CREATE INDEX members_org ON members (org_id, id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_member ON sessions (member_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_member ON api_tokens (member_id);

CREATE TABLE member_invites (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'recruiter', 'reviewer')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by INTEGER NOT NULL REFERENCES members(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX member_invites_org ON member_invites (org_id, id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    actor_id INTEGER REFERENCES members(id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);

-- Jobs (openings) and their interviews.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_org ON jobs (org_id, id);

CREATE TABLE interviews (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    deadline_days INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX interviews_job ON interviews (job_id, id);
CREATE INDEX interviews_org ON interviews (org_id, id);

-- A step's kind is one of DESIGN.md's step kinds; settings holds the
-- kind's own fields as JSON, validated in Go per kind.
CREATE TABLE steps (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('video', 'text', 'choice', 'code', 'takehome', 'codereview', 'file')),
    title TEXT NOT NULL,
    prompt TEXT NOT NULL DEFAULT '',
    minutes INTEGER NOT NULL DEFAULT 0,
    settings TEXT NOT NULL DEFAULT '{}',
    removed_at TIMESTAMP
);
CREATE INDEX steps_interview ON steps (interview_id, position);

CREATE TABLE step_options (
    id INTEGER PRIMARY KEY,
    step_id INTEGER NOT NULL REFERENCES steps(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    correct INTEGER NOT NULL DEFAULT FALSE,
    removed_at TIMESTAMP
);
CREATE INDEX step_options_step ON step_options (step_id, position);

-- Candidates and their applications (one per interview they are invited to).
CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, email)
);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    candidate_id INTEGER NOT NULL REFERENCES candidates(id),
    candidate_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('invited', 'started', 'submitted', 'decided', 'withdrawn')),
    token_hash TEXT NOT NULL UNIQUE,
    time_zone TEXT NOT NULL DEFAULT '',
    invited_at TIMESTAMP NOT NULL,
    deadline_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    submitted_at TIMESTAMP,
    revoked_at TIMESTAMP,
    score REAL,
    max_score REAL,
    review_count INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (interview_id, candidate_id)
);
CREATE INDEX applications_org ON applications (org_id, id);
CREATE INDEX applications_org_status ON applications (org_id, status, id);
CREATE INDEX applications_interview ON applications (interview_id, id);
CREATE INDEX applications_interview_status ON applications (interview_id, status, id);
CREATE INDEX applications_job ON applications (job_id, id);
CREATE INDEX applications_job_status ON applications (job_id, status, id);
CREATE INDEX applications_job_submitted ON applications (job_id, submitted_at, id);
CREATE INDEX applications_job_name ON applications (job_id, candidate_name, id);
CREATE INDEX applications_candidate ON applications (candidate_id);

-- One answer per application and step; body is the kind's answer as JSON.
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    step_id INTEGER NOT NULL REFERENCES steps(id),
    body TEXT NOT NULL,
    score REAL,
    max_score REAL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (application_id, step_id)
);

-- Reviews: one per reviewer and application, rated per step.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    recommendation TEXT NOT NULL CHECK (recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (application_id, member_id)
);

CREATE TABLE review_ratings (
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    step_id INTEGER NOT NULL REFERENCES steps(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    PRIMARY KEY (review_id, step_id)
);

-- Durable background work (package queue).
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    worker TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tasks_ready ON tasks (status, run_at);
CREATE INDEX tasks_lease ON tasks (status, lease_until);
