"""The odds of guessing a pickup code within a year, under the shipped policy, computed
from the guard itself and held against what docs/security.md tells installers."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.config.locker_schema import LockerConfig
from kiosk.services.locker.codes import CODE_DIGITS
from kiosk.services.locker.guard import GuessGuard
from kiosk.store import open_store

YEAR_S = 365 * 86400
LIVE_CODES = 48        # a full 48-door cabinet of results, every code valid at once
DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"


def guesses_in_a_year(tmp_path: Path) -> int:
    """A guesser who types a wrong code the moment the keypad allows, all year, and is
    never interrupted by a resident whose right code would end the streak."""
    defaults = LockerConfig()
    now = [0.0]
    guard = GuessGuard(defaults.wrong_codes_before_lockout, defaults.first_lockout_s,
                       clock=lambda: now[0])
    store = open_store(tmp_path / "kiosk.db")
    tries = 0
    try:
        with store.transaction() as db:
            while now[0] < YEAR_S:
                tries += 1
                now[0] += guard.failure(db).lockout_s or 1.0   # a second to type a code
    finally:
        store.close()
    return tries


def test_the_documented_odds_are_the_computed_ones(tmp_path):
    tries = guesses_in_a_year(tmp_path)
    space = 10 ** CODE_DIGITS
    odds = 1 - (1 - LIVE_CODES / space) ** tries
    assert tries < 9_000                 # about one an hour once the lockout is at its cap
    assert odds < 0.005
    text = DOC.read_text(encoding="utf-8")
    documented_tries = int(re.search(r"at most ([\d,]+) codes a year", text)[1].replace(",", ""))
    documented_odds = float(re.search(r"odds of ([\d.]+) %", text)[1])
    assert documented_tries == tries
    assert documented_odds == round(odds * 100, 2)
