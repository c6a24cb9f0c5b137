-- Unfinished uploads (package upload's sweep, every hour): the takes and
-- files still uploading, oldest first, found without reading the rest.
-- A row leaves these indexes once it is finished, discarded or removed,
-- so they stay the size of what is in flight.
CREATE INDEX media_uploading ON media (created_at) WHERE status = 'uploading';
CREATE INDEX answer_files_uploading ON answer_files (created_at) WHERE status = 'uploading';
