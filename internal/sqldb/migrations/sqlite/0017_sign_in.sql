-- When a session was last used, recorded at most once a minute, so that a
-- member can tell their sessions apart and end the ones they do not know.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;

-- Requests to reset a forgotten password. The link's token is made when
-- the email is sent (token_hash, expires_at), so that the outbox never
-- holds a usable one. Only a member's newest request can work, once
-- (used_at); rows are kept, so that ids are never reused.
CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    requested_at TIMESTAMP NOT NULL,
    token_hash TEXT UNIQUE,
    expires_at TIMESTAMP,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_member ON password_resets (member_id, id);

-- Requests to join a team by invitation, when anyhour can send email: the
-- name and password chosen wait here until the invited address shows it
-- is theirs, through a link made when the email is sent (token_hash,
-- expires_at). Only an invitation's newest request can work, once.
CREATE TABLE member_joins (
    id INTEGER PRIMARY KEY,
    invite_id INTEGER NOT NULL REFERENCES member_invites(id),
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    token_hash TEXT UNIQUE,
    expires_at TIMESTAMP,
    used_at TIMESTAMP
);
CREATE INDEX member_joins_invite ON member_joins (invite_id, id);
