-- Metrics (package metrics) count, at every scrape, the emails that have
-- not gone out: queued, sending, unknown and failed. Sent and kept emails
-- pile up for good; this index holds only the others, so the count reads
-- a few index entries instead of the whole log (outbox.Outstanding).
CREATE INDEX emails_outstanding ON emails (status) WHERE status <> 'sent' AND status <> 'kept';
