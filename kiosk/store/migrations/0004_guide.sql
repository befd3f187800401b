-- How often residents open each service item's guide, per day: the idle screen shows the
-- most asked-for items. Item ids only; nothing about who asked.
CREATE TABLE guide_lookups (
    day TEXT NOT NULL,
    item_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, item_id)
) WITHOUT ROWID;
