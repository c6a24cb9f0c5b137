-- What a form's result page shows, sealed for the redirect that follows
-- the form (package stash): the key is in the browser's cookie, never
-- here. Rows last minutes.
CREATE TABLE stashes (
    id TEXT PRIMARY KEY,
    owner_id INTEGER NOT NULL,
    sealed TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX stashes_expires ON stashes (expires_at);
