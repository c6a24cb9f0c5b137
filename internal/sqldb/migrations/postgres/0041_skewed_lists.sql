-- Lists that cost the same at any size and however the rows are spread
-- (package application's lists, message's inbox, assign's queue): each is
-- read down an index that starts with its filter and goes on in its order,
-- so a page reads a page's worth of rows.

-- Lists sorted by name: an interview's (its page), the organisation's
-- (the API without a filter), and a job's on a status or outcome tab.
CREATE INDEX applications_interview_name ON applications (interview_id, team_name, id);
CREATE INDEX applications_org_name ON applications (org_id, team_name, id);
CREATE INDEX applications_job_status_name ON applications (job_id, status, team_name, id);
CREATE INDEX applications_job_outcome_name ON applications (job_id, outcome, team_name, id);

-- Submissions still waiting for a decision, the oldest first (the waiting
-- page, the digest): by status first, or the walk from the oldest
-- submission crosses every one decided since.
CREATE INDEX applications_org_status_submitted ON applications (org_id, status, submitted_at, id);

-- The inbox: the threads waiting for a reply, the longest waiting first,
-- then the others, the latest first; each in its index's order, id
-- breaking ties, and only applications with messages indexed.
DROP INDEX applications_inbox;
CREATE INDEX applications_inbox ON applications (org_id, last_message_at, id) WHERE last_message_at IS NOT NULL;
DROP INDEX applications_waiting;
CREATE INDEX applications_waiting ON applications (org_id, awaiting_reply_since, id) WHERE awaiting_reply_since IS NOT NULL;

-- A reviewer's queue: the assignments still to do, down an index of those
-- alone, rather than every assignment the member ever had, each checked
-- against the reviews and the application. reviewed_at is set in the
-- transaction of the review (assign.MarkReviewed), or at assignment if the
-- review came first; closed_at while the application does not wait for
-- reviews (decided other than on hold, withdrawn; assign.Reconsider).
ALTER TABLE review_assignments ADD COLUMN reviewed_at TIMESTAMPTZ;
ALTER TABLE review_assignments ADD COLUMN closed_at TIMESTAMPTZ;
UPDATE review_assignments SET reviewed_at = (SELECT v.created_at FROM reviews v
    WHERE v.application_id = review_assignments.application_id AND v.member_id = review_assignments.member_id);
UPDATE review_assignments SET closed_at = (SELECT a.updated_at FROM applications a WHERE a.id = review_assignments.application_id)
WHERE application_id IN (SELECT id FROM applications
    WHERE NOT (status = 'submitted' OR (status = 'decided' AND outcome = 'hold')));
CREATE INDEX review_assignments_waiting ON review_assignments (member_id) WHERE reviewed_at IS NULL AND closed_at IS NULL;

-- Decided applications counted per job and outcome, as application_counts
-- counts them per status, changed in the transaction of every decision and
-- of its undoing (application.countOutcome): the dashboard and every job
-- page counted all of an organisation's decided applications.
CREATE TABLE application_outcome_counts (
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    outcome TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (job_id, outcome)
);
CREATE INDEX application_outcome_counts_org ON application_outcome_counts (org_id);
INSERT INTO application_outcome_counts (org_id, job_id, outcome, n)
SELECT org_id, job_id, outcome, COUNT(*) FROM applications WHERE status = 'decided' AND outcome <> '' GROUP BY org_id, job_id, outcome;

-- A job's (or an interview's) applications are all of one organisation,
-- and a list filters by both. PostgreSQL, taking the two for independent,
-- expects a small organisation's job to have as few rows as its share of
-- the table, sorts them all for a page, and reads them all. SQLite reads
-- these lists down the index it is told (application.listQuery).
--
-- Only on this dialect:
CREATE STATISTICS applications_org_job (dependencies) ON org_id, job_id FROM applications;
CREATE STATISTICS applications_org_interview (dependencies) ON org_id, interview_id FROM applications;
