-- The team's working hours, in its time zone: minutes after midnight and
-- the working days as bits, Sunday first (62 is Monday to Friday). The
-- inbox counts how long candidates wait in these hours.
ALTER TABLE organizations ADD COLUMN work_start INTEGER NOT NULL DEFAULT 540;
ALTER TABLE organizations ADD COLUMN work_end INTEGER NOT NULL DEFAULT 1020;
ALTER TABLE organizations ADD COLUMN work_days INTEGER NOT NULL DEFAULT 62;
