"""Every refusal a service can give has its words, in one place (kiosk/ui/refusal_text.py)."""

from __future__ import annotations

from kiosk.config.weekly_hours import WeeklyHours
from kiosk.i18n import translator
from kiosk.services.locker.model import LockerRefusal
from kiosk.services.locker.model import Refused as LockerRefused
from kiosk.services.queue.model import Refused, TicketRefusal
from kiosk.services.staff import SignInRefusal, SignInRefused
from kiosk.ui.refusal_text import (
    LOCKER_REFUSALS,
    SIGN_IN_REFUSALS,
    TICKET_REFUSALS,
    refusal_text,
    sign_in_refusal_text,
    ticket_refusal_text,
)


def test_every_ticket_refusal_has_words_in_both_languages():
    assert set(TICKET_REFUSALS) == set(TicketRefusal)
    for language in ("zh_CN", "en"):
        tr = translator(language)
        words = {reason: ticket_refusal_text(tr, Refused(reason, "综合窗口", "A003",
                                                          hours=WeeklyHours()))
                 for reason in TicketRefusal}
        assert all(words.values())
        assert len(set(words.values())) == len(words), "two refusals read the same"


def test_the_words_carry_what_the_resident_needs():
    tr = translator("zh_CN")
    held = ticket_refusal_text(tr, Refused(TicketRefusal.HAS_TICKET, "综合窗口", "A003"))
    assert "A003" in held
    assert "综合窗口" in held
    failed = ticket_refusal_text(tr, Refused(TicketRefusal.FAILED))
    assert failed == tr("Something went wrong. Please ask the staff, or try again later.")


def test_every_locker_refusal_has_words_with_what_they_need():
    assert set(LOCKER_REFUSALS) == set(LockerRefusal)
    tr = translator("zh_CN")
    for reason in LockerRefusal:
        words = refusal_text(tr, LockerRefused(reason, tries_left=2, locked_for_s=59.2))
        assert words, reason
        assert "{" not in words, reason
    assert "2" in refusal_text(tr, LockerRefused(LockerRefusal.WRONG_CODE, tries_left=2))
    assert "60" in refusal_text(tr, LockerRefused(LockerRefusal.LOCKED, locked_for_s=59.2))
    assert refusal_text(tr, LockerRefused(LockerRefusal.BAD_ID_NUMBER)) != refusal_text(
        tr, LockerRefused(LockerRefusal.MALFORMED))


def test_every_sign_in_refusal_has_words():
    assert set(SIGN_IN_REFUSALS) == set(SignInRefusal)
    tr = translator("zh_CN")
    locked = sign_in_refusal_text(tr, SignInRefused(SignInRefusal.LOCKED, 29.1))
    assert "30" in locked
    assert len({sign_in_refusal_text(tr, SignInRefused(r)) for r in SignInRefusal}) == 3
