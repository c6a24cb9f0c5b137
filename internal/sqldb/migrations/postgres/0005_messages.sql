-- The conversation with each candidate: one thread per application. A
-- message is the candidate's (member_id NULL) or a team member's; internal
-- notes are the team's alone. seen_at is when the other side first read
-- it: a team member for the candidate's messages, the candidate for the
-- team's (internal notes have none).
CREATE TABLE messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    member_id BIGINT REFERENCES members(id),
    author_name TEXT NOT NULL,
    internal BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    seen_at TIMESTAMPTZ,
    seen_by BIGINT REFERENCES members(id),
    CHECK (NOT internal OR member_id IS NOT NULL)
);
CREATE INDEX messages_application ON messages (application_id, id);

-- The inbox reads these instead of the messages: when the thread last
-- moved (internal notes aside), and since when the candidate's oldest
-- unanswered message has waited for the team.
ALTER TABLE applications ADD COLUMN last_message_at TIMESTAMPTZ;
ALTER TABLE applications ADD COLUMN awaiting_reply_since TIMESTAMPTZ;
CREATE INDEX applications_inbox ON applications (org_id, last_message_at);
