-- Rate limits shared by every anyhour process: one row per counted thing
-- (scope: what is limited, such as sign-in attempts or code runs; key:
-- whose, such as an address or an application), holding how many uses
-- the window that ends at ends_at has seen. Package limit takes a use
-- with one conditional upsert, so that any number of processes and any
-- burst allow exactly the limit. Rows whose window has ended are pruned.
CREATE TABLE rate_limits (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX rate_limits_ends ON rate_limits (ends_at);
