-- More time for candidates: asked for by the candidate with a reason
-- (pending until the team approves or declines it), or granted by the
-- team up front. An approved or granted extension moves the deadline;
-- old_deadline and new_deadline record by how much.
CREATE TABLE extensions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 30),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'granted')),
    requested_at TIMESTAMP NOT NULL,
    decided_by INTEGER REFERENCES members(id),
    decided_by_name TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP,
    old_deadline TIMESTAMP,
    new_deadline TIMESTAMP
);
CREATE INDEX extensions_application ON extensions (application_id, id);
