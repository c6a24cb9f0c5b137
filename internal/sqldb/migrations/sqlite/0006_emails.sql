-- The outbox: every email anyhour sends, kept afterwards as its log.
-- status: queued (waiting for a worker), sending (a worker began the SMTP
-- conversation), sent, unknown (a worker died while sending: the email
-- may have gone out, so it is not sent again), failed (given up), kept
-- (no SMTP server is configured: admins read it on a page instead).
-- link_marker, when set, stands in the bodies for the candidate's link,
-- which is made at send time so that no usable link rests here.
CREATE TABLE emails (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    application_id INTEGER REFERENCES applications(id),
    kind TEXT NOT NULL,
    to_name TEXT NOT NULL,
    to_email TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    link_marker TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'unknown', 'failed', 'kept')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX emails_org ON emails (org_id, id);
CREATE INDEX emails_application ON emails (application_id);
