-- Decisions on applications: advance, reject or hold, with the message
-- the candidate was sent and the feedback they were given. An
-- application keeps every decision; the latest counts.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('advance', 'reject', 'hold')),
    message TEXT NOT NULL,
    feedback TEXT NOT NULL DEFAULT '',
    decided_by INTEGER NOT NULL REFERENCES members(id),
    decided_by_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX decisions_application ON decisions (application_id, id);
