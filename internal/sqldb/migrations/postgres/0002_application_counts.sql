-- Applications counted per job and status, kept in the same transaction as
-- every status change, so that dashboards and job pages cost the same with
-- a hundred applications or a million.
CREATE TABLE application_counts (
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (job_id, status)
);
CREATE INDEX application_counts_org ON application_counts (org_id);

INSERT INTO application_counts (org_id, job_id, status, n)
SELECT org_id, job_id, status, COUNT(*) FROM applications GROUP BY org_id, job_id, status;
