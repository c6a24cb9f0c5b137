-- More links to an application's candidate pages, beside the one in
-- applications.token_hash: each email to a candidate carries a link made
-- when it is sent, so that the outbox never holds a usable one. Revoking
-- the application stops them all; a new link from the team deletes them.
CREATE TABLE application_links (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX application_links_application ON application_links (application_id);
