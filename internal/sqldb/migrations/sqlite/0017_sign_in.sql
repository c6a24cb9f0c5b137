-- When a session was last used, recorded at most once a minute, so that a
-- member can tell their sessions apart and end the ones they do not know.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;
