"""Staff sign in with a badge and a PIN; wrong PINs lock sign-in; everything is audited."""

from __future__ import annotations

import pytest

from kiosk.config.schema import StaffMemberConfig
from kiosk.services.staff import SignInRefused, StaffDirectory, StaffMember, hash_pin
from kiosk.store import open_store
from tests.fixtures.clock import FakeClock

BADGE = "a" * 64


@pytest.fixture
def directory(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    members = (
        StaffMemberConfig(id="with-badge", role="staff", pin_hash=hash_pin("1111"),
                          badge_hash=BADGE),
        StaffMemberConfig(id="pin-only", role="admin", pin_hash=hash_pin("2222")),
    )
    clock = FakeClock(0.0)
    yield StaffDirectory(members, store, clock=clock.monotonic), store, clock
    store.close()


def test_badge_and_pin_together(directory):
    staff, store, _ = directory
    assert staff.sign_in("1111", BADGE) == StaffMember("with-badge", "staff")
    assert staff.sign_in("1111") == SignInRefused("wrong")         # the badge is required
    assert staff.sign_in("2222", BADGE) == SignInRefused("wrong")  # another member's PIN
    assert staff.sign_in("1111", "b" * 64) == SignInRefused("unknown_badge")
    assert staff.sign_in("2222") == StaffMember("pin-only", "admin")
    with store.reading() as db:
        actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["staff.sign_in", "staff.sign_in_refused", "staff.sign_in_refused",
                       "staff.sign_in_refused", "staff.sign_in"]


def test_wrong_pins_lock_sign_in(directory):
    staff, _, clock = directory
    for _ in range(4):
        assert staff.sign_in("0000") == SignInRefused("wrong")
    assert staff.sign_in("0000") == SignInRefused("locked", 120.0)
    assert staff.sign_in("2222").reason == "locked"
    clock.advance(121)
    assert staff.sign_in("2222") == StaffMember("pin-only", "admin")


def test_a_pin_alone_is_not_enough_when_everyone_has_a_badge(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    try:
        staff = StaffDirectory((StaffMemberConfig(id="s", pin_hash=hash_pin("1111"),
                                                  badge_hash=BADGE),), store)
        assert staff.needs_badge(None)
        assert not staff.needs_badge(BADGE)
    finally:
        store.close()
