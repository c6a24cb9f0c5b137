-- Blind review (packages opening and application). A blind job shows its
-- team "Candidate 7" instead of a candidate's name and email, until a
-- member who manages jobs reveals the candidate once the reviews are in.
--
-- jobs.candidates_numbered counts the applications numbered so far, so
-- that invitations at once take numbers one at a time (a row lock).
-- applications.team_name is the name the team sees: the candidate's, or
-- "Candidate N" while blind; lists sort by it, so a sorted list cannot
-- betray the order of the hidden names.
ALTER TABLE jobs ADD COLUMN blind BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobs ADD COLUMN candidates_numbered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN blind BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE applications ADD COLUMN candidate_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN team_name TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN revealed_at TIMESTAMPTZ;
ALTER TABLE applications ADD COLUMN revealed_by BIGINT REFERENCES members(id) ON DELETE SET NULL;

-- Numbered in one pass (a count per row would read a large job's rows
-- once for each of them).
UPDATE applications SET candidate_number = n.rn
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY id) AS rn FROM applications) AS n
WHERE applications.id = n.id;
UPDATE applications SET team_name = candidate_name;
UPDATE jobs SET candidates_numbered = (SELECT COUNT(*) FROM applications a WHERE a.job_id = jobs.id);

CREATE UNIQUE INDEX applications_job_number ON applications (job_id, candidate_number);
DROP INDEX applications_job_name;
CREATE INDEX applications_job_name ON applications (job_id, team_name, id);
