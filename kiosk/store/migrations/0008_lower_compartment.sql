-- Staff marked the deposit for a lower compartment (放在低处柜格: a wheelchair user or an
-- elderly applicant). Only the need is kept: whether one was free shows in `compartment`
-- against the configured reach (locker.seated_reach_rows).
ALTER TABLE deposits ADD COLUMN needs_lower INTEGER NOT NULL DEFAULT 0
    CHECK (needs_lower IN (0, 1));
