-- An admin may set aside an email that may not have arrived (status
-- unknown or failed) once they know it did, or reached the candidate
-- another way (package outbox: Dismiss): it leaves the list of emails to
-- decide on, the application page's warning and the metrics' count of
-- emails to watch, and stays in the log as it was. Sending it again
-- clears the mark. The partial indexes follow: they keep only the emails
-- still waiting for someone.
ALTER TABLE emails ADD COLUMN dismissed_at TIMESTAMPTZ;
DROP INDEX emails_unknown;
CREATE INDEX emails_unknown ON emails (org_id, id) WHERE status = 'unknown' AND dismissed_at IS NULL;
DROP INDEX emails_outstanding;
CREATE INDEX emails_outstanding ON emails (status) WHERE status <> 'sent' AND status <> 'kept' AND dismissed_at IS NULL;
