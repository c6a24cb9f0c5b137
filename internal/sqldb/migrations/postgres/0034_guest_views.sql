-- What a guest watched of a recording through a share link (package
-- video), kept in the guest's name as media_views keeps a member's.
CREATE TABLE media_guest_views (
    media_id BIGINT NOT NULL REFERENCES media(id),
    link_id BIGINT NOT NULL REFERENCES share_links(id),
    guest_name TEXT NOT NULL,
    ranges TEXT NOT NULL DEFAULT '[]',
    watched_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (media_id, link_id)
);
