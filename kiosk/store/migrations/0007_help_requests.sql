-- A resident's call for help (呼叫帮助) from the terminal's help button, for the staff
-- at the windows and the district center. Only the step the resident was on is kept:
-- never who they are. answered_by is a window ("window:3") or a staff id ("staff:s01").
CREATE TABLE help_requests (
    id           INTEGER PRIMARY KEY,
    requested_at TEXT NOT NULL,
    screen       TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('open', 'answered', 'expired')),
    answered_at  TEXT,
    answered_by  TEXT,
    expired_at   TEXT
);
-- At most one request is open at a time: a second tap finds the first.
CREATE UNIQUE INDEX help_requests_one_open ON help_requests (state) WHERE state = 'open';
