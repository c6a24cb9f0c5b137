-- Links that share applications with a named person outside the team (a
-- hiring manager without an account), package share: one application or
-- a shortlist of one job, to view or to view and rate, until it expires
-- or is revoked. Only the token's SHA-256 is kept. Each opening is
-- logged; a guest's ratings are kept under the link, in the guest's name.
CREATE TABLE share_links (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    job_id BIGINT NOT NULL REFERENCES jobs(id),
    created_by BIGINT REFERENCES members(id) ON DELETE SET NULL,
    created_by_name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    guest_name TEXT NOT NULL,
    guest_email TEXT NOT NULL DEFAULT '',
    can_rate BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE share_link_applications (
    link_id BIGINT NOT NULL REFERENCES share_links(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (link_id, application_id)
);
CREATE INDEX share_link_applications_application ON share_link_applications (application_id);

CREATE TABLE share_link_opens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id BIGINT NOT NULL REFERENCES share_links(id),
    application_id BIGINT REFERENCES applications(id),
    opened_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX share_link_opens_link ON share_link_opens (link_id, id);

CREATE TABLE share_link_ratings (
    link_id BIGINT NOT NULL REFERENCES share_links(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    ratings TEXT NOT NULL DEFAULT '{}',
    criteria TEXT NOT NULL DEFAULT '{}',
    recommendation TEXT NOT NULL CHECK (recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')),
    note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (link_id, application_id)
);
