-- The transactional outbox: events written with the change that caused them, drained to
-- the district center. seq is the terminal's event sequence; sent_at is set on PUBACK.
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    priority   INTEGER NOT NULL,
    payload    TEXT NOT NULL CHECK (json_valid(payload)),
    sent_at    TEXT
);
CREATE INDEX outbox_unsent ON outbox (priority, seq) WHERE sent_at IS NULL;

-- Alarms that need a person; at most one active per kind and subject.
CREATE TABLE alarms (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    raised_at  TEXT NOT NULL,
    cleared_at TEXT,
    detail     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE UNIQUE INDEX alarms_one_active ON alarms (kind, subject) WHERE cleared_at IS NULL;

-- The locker's doors, with what was last seen of them. Doors removed from the
-- configuration stay (configured = 0) because past deposits refer to them.
CREATE TABLE compartments (
    number       INTEGER PRIMARY KEY,          -- the number on the door
    bus          TEXT NOT NULL,
    board        INTEGER NOT NULL,
    lock         INTEGER NOT NULL,
    size         TEXT NOT NULL CHECK (size IN ('S', 'M', 'L')),
    configured   INTEGER NOT NULL DEFAULT 1 CHECK (configured IN (0, 1)),
    in_service   INTEGER NOT NULL DEFAULT 1 CHECK (in_service IN (0, 1)),
    door_open    INTEGER CHECK (door_open IN (0, 1)),      -- NULL: not seen yet
    item_present INTEGER CHECK (item_present IN (0, 1)),   -- NULL: no sensor, or not seen
    seen_at      TEXT
);

-- What lies in a compartment: a result for a resident, or a resident's drop-off for staff.
CREATE TABLE deposits (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('result', 'dropoff')),
    compartment     INTEGER NOT NULL REFERENCES compartments (number),
    state           TEXT NOT NULL CHECK (state IN ('loading', 'stored', 'collected',
                                                    'retrieved', 'cancelled')),
    case_number     TEXT,                      -- 办件编号 of a result
    receipt         TEXT,                      -- the number a drop-off's receipt shows
    code_hash       TEXT UNIQUE,               -- keyed hash of the pickup code; never the code
    code_expires_at TEXT,
    deposited_by    TEXT NOT NULL,             -- staff id, or 'resident'
    collected_by    TEXT,                      -- 'code', 'qr', 'proxy:<keyed hash>', staff id
    created_at      TEXT NOT NULL,
    stored_at       TEXT,
    due_at          TEXT,                      -- end of the retention period
    overdue_at      TEXT,                      -- when it was flagged overdue
    finished_at     TEXT
);
CREATE UNIQUE INDEX deposits_one_live_per_compartment
    ON deposits (compartment) WHERE state IN ('loading', 'stored');

-- Every door opening the terminal asks for, from intent to outcome. The row is committed
-- before the unlock pulse goes out, so after a crash the terminal knows a pulse may have
-- been sent and never sends it again on its own.
CREATE TABLE door_operations (
    id             INTEGER PRIMARY KEY,
    compartment    INTEGER NOT NULL REFERENCES compartments (number),
    purpose        TEXT NOT NULL CHECK (purpose IN ('deposit', 'pickup', 'dropoff',
                                                     'retrieve', 'maintenance')),
    deposit_id     TEXT REFERENCES deposits (id),
    actor          TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('requested', 'unlock_sent', 'open',
                                                  'completed', 'jammed', 'abandoned',
                                                  'failed')),
    requested_at   TEXT NOT NULL,
    unlock_sent_at TEXT,
    opened_at      TEXT,
    closed_at      TEXT,
    finished_at    TEXT,
    board_reply    TEXT,                       -- hex of the board's frames, for the audit
    outcome        TEXT
);
CREATE UNIQUE INDEX door_operations_one_live_per_compartment
    ON door_operations (compartment) WHERE state IN ('requested', 'unlock_sent', 'open');
