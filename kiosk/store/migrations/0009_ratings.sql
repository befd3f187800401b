-- 好差评 at the terminal: one rating per service event that ended here (一事一评), given
-- voluntarily on the rating screen. The event is named by what the flow already has (a
-- deposit id, a drop-off receipt, a notice's item and print, a ticket and its day); nothing
-- about the resident is kept. options holds the ticked option codes as a JSON list.
CREATE TABLE ratings (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('pickup', 'dropoff', 'notice', 'ticket')),
    ref      TEXT NOT NULL,
    level    INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    options  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(options)),
    item     TEXT,                       -- the service item's catalog id, where known
    window   INTEGER,                    -- the service window, where known
    rated_at TEXT NOT NULL,
    UNIQUE (kind, ref)
);
