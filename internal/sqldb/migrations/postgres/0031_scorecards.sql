-- An interview's scorecard (package opening): the criteria reviewers rate,
-- each with what a 1, a 3 and a 5 look like, and the steps each informs.
-- A step that informs no criterion is rated "Overall", as every step was
-- before scorecards (review_ratings). A criterion taken off the scorecard
-- keeps its ratings, no longer shown or asked for.
CREATE TABLE criteria (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    interview_id BIGINT NOT NULL REFERENCES interviews(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    level1 TEXT NOT NULL DEFAULT '',
    level3 TEXT NOT NULL DEFAULT '',
    level5 TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ
);
CREATE INDEX criteria_interview ON criteria (interview_id, position);

CREATE TABLE step_criteria (
    step_id BIGINT NOT NULL REFERENCES steps(id),
    criterion_id BIGINT NOT NULL REFERENCES criteria(id),
    PRIMARY KEY (step_id, criterion_id)
);

-- Reviewers' ratings of criteria, per answer (package review).
CREATE TABLE review_criterion_ratings (
    review_id BIGINT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    step_id BIGINT NOT NULL REFERENCES steps(id),
    criterion_id BIGINT NOT NULL REFERENCES criteria(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    PRIMARY KEY (review_id, step_id, criterion_id)
);

-- A draft's criterion ratings: {"<step id>": {"<criterion id>": rating}}.
ALTER TABLE review_drafts ADD COLUMN criteria TEXT NOT NULL DEFAULT '{}';
