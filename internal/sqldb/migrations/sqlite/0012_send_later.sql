-- Messages sent later: visible_at is when the candidate may read one
-- (NULL: at once). An email remembers what it is about in ref (such as
-- "message:12"), so that cancelling a scheduled message cancels its email.
ALTER TABLE messages ADD COLUMN visible_at TIMESTAMP;
ALTER TABLE emails ADD COLUMN ref TEXT NOT NULL DEFAULT '';
CREATE INDEX emails_ref ON emails (ref);
