-- What a grading tells reviewers to look at: a solution that broke the
-- protocol between it and the tests, a run that ended without all its
-- results. A JSON list of sentences, empty for most gradings.
ALTER TABLE gradings ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
