-- What the code editor records while a candidate writes a coding task's
-- answer (package activity), as the step tells them before they start: a
-- session per time the editor is opened, the code it started from, and
-- its frames, sent with the autosave. A frame is a timed change set or an
-- event (a paste, leaving or coming back to the page, a language switch);
-- events are also kept apart, for the reviewers' timeline. The team reads
-- them once the application is submitted.
CREATE TABLE activity_sessions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    step_id INTEGER NOT NULL REFERENCES steps(id),
    -- The editor's own random name for this opening of the page.
    session TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    -- The code the session started from; NULL when it is where the
    -- sessions before it ended (the record continues).
    base TEXT,
    frames INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    -- The editor's milliseconds from the session's start to its last frame.
    elapsed_ms INTEGER NOT NULL DEFAULT 0,
    typing_ms INTEGER NOT NULL DEFAULT 0,
    UNIQUE (application_id, step_id, session)
);

CREATE TABLE activity_chunks (
    session_id INTEGER NOT NULL REFERENCES activity_sessions(id),
    -- The number of the chunk's first frame in its session.
    seq INTEGER NOT NULL,
    frames TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE activity_events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES activity_sessions(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    step_id INTEGER NOT NULL REFERENCES steps(id),
    kind TEXT NOT NULL CHECK (kind IN ('paste', 'drop', 'leave', 'return', 'language')),
    -- When, by the editor's clock from its session's start, and that
    -- start plus it.
    offset_ms INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    -- A paste's length in characters and its first line that is not blank;
    -- a language switch's language.
    length INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activity_events_answer ON activity_events (application_id, step_id, id);
