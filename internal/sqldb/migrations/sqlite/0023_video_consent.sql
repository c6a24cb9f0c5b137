-- When the candidate agreed to be recorded, after the video step told
-- them what is recorded, who sees it and how long it is kept; NULL until
-- they do. No recording is taken from an application without it.
-- Applications from before this column stay NULL, even those with
-- recordings: nobody asked them.
ALTER TABLE applications ADD COLUMN video_consent_at TIMESTAMP;
