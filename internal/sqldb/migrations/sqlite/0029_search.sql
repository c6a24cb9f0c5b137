-- Search (package search): one row per piece of text the team may look
-- for, written in the same transaction as the text itself: a candidate's
-- name and email when invited, their written and code answers once they
-- submit (never before), each message and internal note, each submitted
-- review's note. Who may see a row is decided when it is read, from
-- kind, member_id and the application.
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL CHECK (kind IN ('candidate', 'answer', 'code', 'message', 'note', 'review')),
    -- The row the text comes from: the candidate, the step answered, the
    -- message or the review.
    ref_id INTEGER NOT NULL,
    -- A review's author, whose note others read only once they have
    -- reviewed too; NULL for other kinds.
    member_id INTEGER,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (application_id, kind, ref_id)
);
CREATE INDEX search_docs_org ON search_docs (org_id, created_at);

-- Only on this dialect: the full-text index.
-- The full-text index over search_docs.body, kept in step by triggers.
-- Words are runs of letters and digits, lower-cased, with accents kept
-- (remove_diacritics 0), as PostgreSQL's 'simple' configuration reads
-- the same text: a query finds the same rows on both databases.
CREATE VIRTUAL TABLE search_fts USING fts5(
    body, content = 'search_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;

CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;

CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
