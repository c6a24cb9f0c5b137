-- Reviewers assigned to applications (package assign): by hand, or by
-- turns across a job's rota when the candidate submits. An assignment
-- waits while its member has not submitted a review of the application;
-- due_at is when the team's response target runs out.
CREATE TABLE review_assignments (
    application_id INTEGER NOT NULL REFERENCES applications(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    assigned_by INTEGER REFERENCES members(id), -- NULL: by turns
    assigned_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, member_id)
);
CREATE INDEX review_assignments_member ON review_assignments (member_id, due_at);

-- A job's rota: the members who take turns reviewing its submissions, in
-- order, and whose turn is next (an index into the positions).
CREATE TABLE review_rotas (
    job_id INTEGER PRIMARY KEY REFERENCES jobs(id),
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    next_turn INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE review_rota_members (
    job_id INTEGER NOT NULL REFERENCES review_rotas(job_id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (job_id, member_id)
);
