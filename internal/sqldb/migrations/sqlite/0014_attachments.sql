-- Small files attached to messages, kept in the blob store under key.
CREATE TABLE message_attachments (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    blob_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX message_attachments_message ON message_attachments (message_id);
