"""Every refusal a service can give has its words, in one place (kiosk/ui/refusal_text.py)."""

from __future__ import annotations

from kiosk.config.weekly_hours import WeeklyHours
from kiosk.i18n import translator
from kiosk.services.queue.model import Refused, TicketRefusal
from kiosk.ui.refusal_text import TICKET_REFUSALS, ticket_refusal_text


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
