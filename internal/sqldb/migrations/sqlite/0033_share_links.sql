-- Links that share applications with a named person outside the team (a
-- hiring manager without an account), package share: one application or
-- a shortlist of one job, to view or to view and rate, until it expires
-- or is revoked. Only the token's SHA-256 is kept. Each opening is
-- logged; a guest's ratings are kept under the link, in the guest's name.
CREATE TABLE share_links (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    created_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_by_name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    guest_name TEXT NOT NULL,
    guest_email TEXT NOT NULL DEFAULT '',
    can_rate INTEGER NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE share_link_applications (
    link_id INTEGER NOT NULL REFERENCES share_links(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (link_id, application_id)
);
CREATE INDEX share_link_applications_application ON share_link_applications (application_id);

CREATE TABLE share_link_opens (
    id INTEGER PRIMARY KEY,
    link_id INTEGER NOT NULL REFERENCES share_links(id),
    application_id INTEGER REFERENCES applications(id),
    opened_at TIMESTAMP NOT NULL
);
CREATE INDEX share_link_opens_link ON share_link_opens (link_id, id);

CREATE TABLE share_link_ratings (
    link_id INTEGER NOT NULL REFERENCES share_links(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    ratings TEXT NOT NULL DEFAULT '{}',
    criteria TEXT NOT NULL DEFAULT '{}',
    recommendation TEXT NOT NULL CHECK (recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')),
    note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (link_id, application_id)
);
