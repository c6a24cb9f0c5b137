-- Every team page counts the candidates waiting for a reply, and the
-- digest lists the day's submissions: both by organisation, without
-- reading all of an organisation's applications.
CREATE INDEX applications_waiting ON applications (org_id, awaiting_reply_since);
CREATE INDEX applications_org_submitted ON applications (org_id, submitted_at);
