-- Decision messages the team saved for a job, one per outcome, which the
-- decision form starts with instead of the standard ones; and, on each
-- decision, the reason the team gave for its own records (never sent)
-- and, for a message sent later, when the candidate learns of it and
-- which message tells them (cancelling it goes back on the decision).
CREATE TABLE decision_templates (
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('advance', 'reject', 'hold')),
    body TEXT NOT NULL,
    updated_by_name TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (job_id, outcome)
);
ALTER TABLE decisions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN visible_at TIMESTAMP;
ALTER TABLE decisions ADD COLUMN message_id INTEGER;
