-- Queue tickets. A ticket keeps its label (A012) for life, also when it is transferred
-- to another category. person_hash is the keyed hash of a real-name ticket's ID number:
-- it enforces one open ticket per person and category, and is never reported.
CREATE TABLE queue_tickets (
    id               INTEGER PRIMARY KEY,
    day              TEXT NOT NULL,
    category         TEXT NOT NULL,
    label            TEXT NOT NULL,
    rank             INTEGER NOT NULL,       -- 0 priority, 1 appointment, 2 walk-in
    state            TEXT NOT NULL CHECK (state IN
                         ('waiting', 'called', 'finished', 'no_show', 'expired')),
    source           TEXT NOT NULL,          -- touch, appointment
    person_hash      TEXT,
    appointment_id   TEXT,
    issued_at        TEXT NOT NULL,
    ahead_at_issue   INTEGER NOT NULL,
    estimate_s       INTEGER NOT NULL,
    called_at        TEXT,
    window           INTEGER,
    recalls          INTEGER NOT NULL DEFAULT 0,
    finished_at      TEXT,
    transferred_from TEXT,
    UNIQUE (day, label)
);
CREATE INDEX queue_waiting ON queue_tickets (category, rank, issued_at) WHERE state = 'waiting';
CREATE UNIQUE INDEX queue_appointment ON queue_tickets (appointment_id)
    WHERE appointment_id IS NOT NULL;

-- The last number given per category per day: numbering restarts each day.
CREATE TABLE queue_numbers (
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    last     INTEGER NOT NULL,
    PRIMARY KEY (day, category)
) WITHOUT ROWID;

-- Which windows are staffed now: estimates divide by the open windows.
CREATE TABLE queue_windows (
    number    INTEGER PRIMARY KEY,
    open      INTEGER NOT NULL,
    since     TEXT NOT NULL
);

-- Every call and recall, for the call display and the voice, in order.
CREATE TABLE queue_calls (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES queue_tickets (id),
    label     TEXT NOT NULL,
    window    INTEGER NOT NULL,
    at        TEXT NOT NULL,
    recall    INTEGER NOT NULL
);

-- Days whose end-of-day summary has been made.
CREATE TABLE queue_days_closed (
    day       TEXT PRIMARY KEY,
    closed_at TEXT NOT NULL,
    summary   TEXT NOT NULL CHECK (json_valid(summary))
);
