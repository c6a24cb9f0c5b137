-- When each member was last sent their daily digest.
ALTER TABLE members ADD COLUMN last_digest_at TIMESTAMPTZ;
