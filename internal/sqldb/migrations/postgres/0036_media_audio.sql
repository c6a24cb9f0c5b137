-- An answer's audio copy (package video): the sound alone, for reviewers
-- of a job reviewed blind, who must not see the candidate's face.
-- audio_status is '' until the copy is asked for, then 'queued', 'ready'
-- (audio_key names the file), 'silent' (the recording has no sound) or
-- 'failed'.
ALTER TABLE media ADD COLUMN audio_key TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN audio_status TEXT NOT NULL DEFAULT '';
