-- A member's own working hours, in their zone; NULL: the team's.
ALTER TABLE members ADD COLUMN work_start INTEGER;
ALTER TABLE members ADD COLUMN work_end INTEGER;
ALTER TABLE members ADD COLUMN work_days INTEGER;
-- The organisation's colour, for its emails: #rrggbb.
ALTER TABLE organizations ADD COLUMN colour TEXT NOT NULL DEFAULT '#2450c4';
