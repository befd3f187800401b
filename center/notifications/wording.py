"""A notice in words, in the language of whoever reads it (the page's, or the center's
LANGUAGE_CODE for a mail): a title, the facts under it and where to look."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from center.alarms.kinds import kind_name
from center.fleet.models import Terminal
from center.notifications.models import Notice, NoticeKind
from center.ratings.models import CaseState


@dataclass(frozen=True)
class NoticeText:
    title: str
    facts: list[str]
    path: str           # the page to open, from the site's root

    def mail_body(self) -> str:
        return "\n".join([self.title, "", *self.facts, "",
                          _("Open: %(url)s") % {"url": settings.SITE_URL + self.path}, "",
                          _("You get this mail because you look after this terminal at the "
                            "district center.")]) + "\n"


def describe(notice: Notice) -> NoticeText:
    terminal = notice.terminal
    where = terminal_label(terminal)
    facts = [_("Station: %(station)s") % {"station": terminal.station or _("not placed yet")},
             _("Terminal: %(terminal)s") % {"terminal": terminal.terminal_id}]
    path = reverse("fleet:terminal", args=[terminal.district, terminal.terminal_id])
    alarm = notice.alarm
    if notice.kind == NoticeKind.RATING_CASE_OVERDUE:
        return _rating_case_text(notice, where, facts)
    if alarm is not None:
        what = f"{kind_name(alarm.kind)} · {alarm.subject}"
        facts += [_("Alarm: %(alarm)s") % {"alarm": what},
                  _("Raised: %(at)s") % {"at": clock(alarm.raised_at)}]
        path = reverse("alarms:detail", args=[alarm.pk])
        title = _alarm_title(notice, where, what)
    else:
        title = _terminal_title(notice, where)
        facts.append(_("Since: %(at)s") % {"at": clock(notice.at)})
    return NoticeText(title, facts, path)


def _alarm_title(notice: Notice, where: str, what: str) -> str:
    if notice.kind == NoticeKind.ALARM_ESCALATED:
        return _("Nobody acknowledged this alarm within %(minutes)s minutes: %(alarm)s at "
                 "%(terminal)s") % {"minutes": notice.detail.get("minutes", "?"),
                                   "alarm": what, "terminal": where}
    if notice.kind == NoticeKind.ALARM_ASSIGNED:
        return _("%(by)s asks you to see to %(alarm)s at %(terminal)s") % {
            "by": notice.detail.get("by", "?"), "alarm": what, "terminal": where}
    return _("New alarm: %(alarm)s at %(terminal)s") % {"alarm": what, "terminal": where}


def _terminal_title(notice: Notice, where: str) -> str:
    if notice.kind == NoticeKind.TERMINAL_OFFLINE:
        return _("%(terminal)s is offline") % {"terminal": where}
    if notice.kind == NoticeKind.TERMINAL_STILL_OFFLINE:
        return _("%(terminal)s is still offline, for %(duration)s now") % {
            "terminal": where, "duration": timesince(notice.at, notice.created_at)}
    if notice.kind == NoticeKind.TERMINAL_ONLINE:
        return _("%(terminal)s is back online") % {"terminal": where}
    if notice.kind == NoticeKind.PICKUP_PROBLEM:
        facts = {"case": notice.detail.get("case", "?"), "terminal": where,
                 "why": notice.detail.get("why", "?"), "phone": notice.detail.get("phone")}
        if facts["phone"]:
            return _("Case %(case)s at %(terminal)s: the applicant was not told the pickup "
                     "code (%(why)s). Please call them: %(phone)s") % facts
        # No number the center could read: say where else to find the applicant.
        return _("Case %(case)s at %(terminal)s: the applicant was not told the pickup code "
                 "(%(why)s). Find their number in the case system by the case number, or "
                 "tell them at the window when they come") % facts
    if notice.kind == NoticeKind.PICKUP_OVERDUE:
        return _("Case %(case)s is overdue in the locker at %(terminal)s: please take it "
                 "out and keep it at the window") % {
            "case": notice.detail.get("case", "?"), "terminal": where}
    return _("A resident is asking for help at %(terminal)s, on the %(screen)s screen") % {
        "terminal": where, "screen": notice.detail.get("screen", "?")}


def _rating_case_text(notice: Notice, where: str, facts: list[str]) -> NoticeText:
    """An overdue bad-rating case (center/ratings/escalation.py): which, where, the step it
    waits for and how late."""
    detail = notice.detail
    state = CaseState(detail["state"]).label if detail.get("state") in CaseState.values else "?"
    late = detail.get("late")
    facts = [_("Case: %(number)s") % {"number": detail.get("number", "?")}, *facts,
             _("Where it stands: %(state)s") % {"state": state},
             _("Due: %(day)s") % {"day": detail.get("due_on", "?")}]
    if late:
        facts.append(_("Late by %(days)s working days") % {"days": late})
    elif late is not None:          # due on a Friday, escalated on the Saturday
        facts.append(_("overdue since %(day)s") % {"day": detail.get("due_on", "?")})
    title = _("Bad-rating case %(number)s is overdue at %(terminal)s") % {
        "number": detail.get("number", "?"), "terminal": where}
    return NoticeText(title, facts, reverse("ratings:case", args=[detail.get("case", 0)]))


def terminal_label(terminal: Terminal) -> str:
    if terminal.station is None:
        return terminal.terminal_id
    return _("%(terminal)s, %(station)s") % {"terminal": terminal.terminal_id,
                                             "station": terminal.station}


def clock(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
