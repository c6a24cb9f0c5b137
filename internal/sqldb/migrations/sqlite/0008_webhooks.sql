-- Webhooks: an organisation's endpoints and every delivery to them.
-- secret signs the payloads (HMAC-SHA256); it is kept as is, because
-- signing needs it, and shown only to the organisation's admins.
-- failing_since is when the endpoint's current run of failures began; an
-- endpoint failing for a day is disabled (disabled_at, disabled_reason).
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES members(id),
    created_at TIMESTAMP NOT NULL,
    failing_since TIMESTAMP,
    disabled_at TIMESTAMP,
    disabled_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id);

-- status: pending (attempts go on), delivered (a 2xx answer), failed
-- (given up after a day, or the endpoint was disabled or removed).
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id),
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
