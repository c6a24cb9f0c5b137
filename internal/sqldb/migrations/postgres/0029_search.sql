-- Search (package search): one row per piece of text the team may look
-- for, written in the same transaction as the text itself: a candidate's
-- name and email when invited, their written and code answers once they
-- submit (never before), each message and internal note, each submitted
-- review's note. Who may see a row is decided when it is read, from
-- kind, member_id and the application.
CREATE TABLE search_docs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL CHECK (kind IN ('candidate', 'answer', 'code', 'message', 'note', 'review')),
    -- The row the text comes from: the candidate, the step answered, the
    -- message or the review.
    ref_id BIGINT NOT NULL,
    -- A review's author, whose note others read only once they have
    -- reviewed too; NULL for other kinds.
    member_id BIGINT,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (application_id, kind, ref_id)
);
CREATE INDEX search_docs_org ON search_docs (org_id, created_at);

-- Only on this dialect: the full-text index.
-- Words are runs of letters and digits, lower-cased ('simple': no
-- stemming, no stop words), as SQLite's FTS5 unicode61 tokenizer reads
-- the same text: everything else becomes a space first, so that an
-- email or a path is words here too, and a query finds the same rows
-- on both databases.
ALTER TABLE search_docs ADD COLUMN tsv TSVECTOR
    GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'))) STORED;
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
