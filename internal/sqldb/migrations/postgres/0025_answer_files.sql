-- Files candidates upload to answer a file step: each arrives through the
-- tus endpoint under uploads/<upload_id> in the blob store and is kept
-- there as it came (a zip is never unpacked). type is the catalogue's
-- name (package filetype), checked against the name's extension and the
-- file's first bytes; removed files are kept as rows for the record.
CREATE TABLE answer_files (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    step_id BIGINT NOT NULL REFERENCES steps(id),
    upload_id TEXT NOT NULL UNIQUE,
    tus_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('uploading', 'ready', 'removed')),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    size BIGINT NOT NULL DEFAULT 0,
    max_size BIGINT NOT NULL,
    blob_key TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX answer_files_application ON answer_files (application_id, step_id, id);
