-- The outcome of an application's latest decision (advance, hold,
-- reject; '' before any), kept on the application so that lists show and
-- filter by it as they do by status.
ALTER TABLE applications ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
UPDATE applications SET outcome = COALESCE((SELECT d.outcome FROM decisions d
    WHERE d.application_id = applications.id ORDER BY d.id DESC LIMIT 1), '');
CREATE INDEX applications_job_outcome ON applications (job_id, outcome, id);
