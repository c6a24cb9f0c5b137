-- A reviewer's scorecard while they fill it in: each rating is saved as
-- it is clicked, and nobody but its author sees it until they submit it
-- as a review. One per reviewer and application; submitting removes it.
-- ratings is a JSON object of step id to 1..5; recommendation is '' until
-- chosen.
CREATE TABLE review_drafts (
    application_id INTEGER NOT NULL REFERENCES applications(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    ratings TEXT NOT NULL DEFAULT '{}',
    recommendation TEXT NOT NULL DEFAULT '' CHECK (recommendation IN ('', 'strong_no', 'no', 'yes', 'strong_yes')),
    note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, member_id)
);
