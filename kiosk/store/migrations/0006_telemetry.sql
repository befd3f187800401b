-- Ids of the district center's commands this terminal has taken, kept until the command
-- has expired (plus a grace day against clock corrections): no command runs twice.
CREATE TABLE command_ids (
    id          TEXT PRIMARY KEY,
    expires_at  INTEGER NOT NULL,   -- the command's expiresAt, ms since the epoch
    received_at TEXT NOT NULL
);
CREATE INDEX command_ids_expiry ON command_ids (expires_at);

-- Alarm topics the broker holds retained as active, as last acknowledged by it, so that
-- alarms cleared while the terminal was away are cleared on the broker too.
CREATE TABLE alarm_topics (
    topic        TEXT PRIMARY KEY,
    payload      TEXT NOT NULL,
    published_at TEXT NOT NULL
);

-- Delivered events are pruned by age; this keeps that from scanning the table.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
