-- The emails whose sending was cut off (package outbox: status 'unknown'):
-- admins see every one of them, however old, to decide whether to send it
-- again. They are few; this index finds them without reading the rest.
CREATE INDEX emails_unknown ON emails (org_id, id) WHERE status = 'unknown';
