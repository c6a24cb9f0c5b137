-- The team's calibration set (package review): applications everyone
-- rates first, so that each reviewer sees how far their ratings sat from
-- the team's before rating the rest.
CREATE TABLE calibration_applications (
    application_id BIGINT PRIMARY KEY REFERENCES applications(id),
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    marked_by BIGINT REFERENCES members(id) ON DELETE SET NULL,
    marked_at TIMESTAMPTZ NOT NULL
);
