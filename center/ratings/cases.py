"""The way of a bad rating's case (差评件), step by step, with its deadlines in working days.

    received ──verify──▶ verified ──handle──▶ rectified (on the spot)
                            ▲  │             rectifying ──rectified──▶ rectified
                            │  │             explained
                            │  └────────────▶ appealed ──upheld──▶ closed
                            │                    └──rejected──▶ verified
    rectified / explained ──feed_back──▶ fed_back ──revisit──▶ closed
                            ▲                          │ (still dissatisfied: reopened)
                            └──────────────────────────┘

Deadlines (settings, in working days on the mainland calendar, working_days.py), each the
last day for the step the case waits for, kept on the case as ``due_on``:

- received: verified within CASE_VERIFY_DAYS (1) of the day the case was opened;
- verified: handled and rectified within the first of CASE_RECTIFY_DAYS (5) of the day it
  was verified (or reopened, or its appeal rejected); "rectified by a deadline" chooses
  one of CASE_RECTIFY_DAYS ("5,15"), counted from that same day;
- rectified or explained: the resident told within CASE_FEEDBACK_DAYS (1);
- fed back: the return visit within CASE_REVISIT_DAYS (5);
- appealed: the appeal reviewed within CASE_APPEAL_DAYS (5).

Days are the local dates of settings.TIME_ZONE. A year the calendar does not know gives no
deadline yet, never an error (a case must open whatever the date) and never a guess: the step
notes why and keeps what the deadline counts from ("due_from", "due_days"), and the
notifier's pass fills the deadline in once the calendar knows the year
(escalation.py fill_waiting_deadlines).

Every step is one transaction: the case locked and checked, changed, one CaseStep (who,
when, what was written, the deadline it set) and one audit entry. A step the case is not
waiting for is refused with words a person reads (CaseRefused)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from center.audit.log import record
from center.audit.models import AuditEntry
from center.ratings.models import (
    CaseState,
    CaseStep,
    Handling,
    Rating,
    RatingCase,
    RevisitResult,
)
from center.ratings.working_days import CalendarUnknown, add_working_days

SYSTEM = "system"           # the username of steps the center takes itself


class FeedbackWay(models.TextChoices):
    """How the resident was told the outcome. Ratings are anonymous, so often nobody can be
    reached: the step says so and the case still moves on to its return visit."""

    PHONE = "phone", gettext_lazy("by phone")
    SMS = "sms", gettext_lazy("by text message")
    IN_PERSON = "in person", gettext_lazy("in person")
    NOT_REACHABLE = "not reachable", gettext_lazy("could not be reached")


class CaseRefused(ValueError):
    """The step asked for is not the one the case waits for; the message is for people."""


# -- deadlines ------------------------------------------------------------------------------

def rectify_choices() -> tuple[int, ...]:
    """CENTER_CASE_RECTIFY_DAYS as numbers of working days, the default first."""
    try:
        days = tuple(int(part) for part in str(settings.CASE_RECTIFY_DAYS).split(",")
                     if part.strip())
    except ValueError:
        days = ()
    if not days or min(days) < 1:
        raise ImproperlyConfigured(
            "CENTER_CASE_RECTIFY_DAYS must be working days separated by commas, e.g. "
            f"'5,15', not {settings.CASE_RECTIFY_DAYS!r}")
    return days


def local_day(at: datetime) -> date:
    """The date in the center's time zone (settings.TIME_ZONE), whatever zone is active."""
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def deadline(start: date, days: int, detail: dict[str, Any]) -> date | None:
    """``days`` working days after ``start``; None for a year the calendar does not know,
    with the reason and what to count from once it does in ``detail``."""
    try:
        return add_working_days(start, days)
    except CalendarUnknown as unknown:
        detail.update(no_deadline=str(unknown), due_from=start.isoformat(), due_days=days)
        return None


# -- opening ---------------------------------------------------------------------------------

def open_cases(ratings: list[Rating], now: datetime,
               using: str = "default") -> list[RatingCase]:
    """A case for each of these bad ratings, just kept (with their pks and terminals): three
    inserts whatever their number, in the caller's transaction (the ingest batch's, or the
    QR page's)."""
    if not ratings:
        return []
    detail: dict[str, Any] = {}
    due = deadline(local_day(now), settings.CASE_VERIFY_DAYS, detail)
    cases = [RatingCase(rating=rating, district=rating.terminal.district,
                        station_id=rating.terminal.station_id, state=CaseState.RECEIVED,
                        opened_at=now, due_on=due) for rating in ratings]
    RatingCase.objects.using(using).bulk_create(cases)
    CaseStep.objects.using(using).bulk_create([
        CaseStep(case=case, action="received", username=SYSTEM, at=now, due_on=due,
                 detail={"rating": case.rating_id, **detail}) for case in cases])
    AuditEntry.objects.using(using).bulk_create([
        AuditEntry(username=SYSTEM, action="rating_case.opened", terminal=case.rating.terminal,
                   detail={"case": case.number, "rating": case.rating_id,
                           "level": case.rating.level,
                           "due_on": due.isoformat() if due else None})
        for case in cases])
    return cases


# -- the steps -------------------------------------------------------------------------------

def verify(case: RatingCase, user: Any, text: str, *, now: datetime | None = None,
           using: str = "default") -> RatingCase:
    """What was found when the rating was checked (the window, the staff, the papers)."""
    def change(locked: RatingCase, now: datetime, detail: dict[str, Any]) -> list[str]:
        locked.state = CaseState.VERIFIED
        locked.due_on = deadline(local_day(now), rectify_choices()[0], detail)
        return ["verified"]
    return _step(case, user, "verify", text, {}, change, now, using)


def handle(case: RatingCase, user: Any, handling: str, text: str, *,
           days: int | None = None, public: str = "", now: datetime | None = None,
           using: str = "default") -> RatingCase:
    """How the verified rating is answered. ``days`` (one of CENTER_CASE_RECTIFY_DAYS) is the
    deadline of a rectification by a deadline, counted from the day of verification.
    ``public`` is what staff wrote for the quarterly public page (kept as detail["public"];
    ``text`` is never published)."""
    if handling not in Handling.values:
        raise CaseRefused(_("Choose how the bad rating is handled."))
    if handling == Handling.FIX_BY:
        if days not in rectify_choices():
            raise CaseRefused(_("Choose the working days the rectification may take."))
    else:
        days = None

    def change(locked: RatingCase, now: datetime, detail: dict[str, Any]) -> list[str]:
        locked.handling = handling
        if handling == Handling.FIX_BY:
            assert days is not None
            locked.state = CaseState.RECTIFYING
            locked.due_on = deadline(_verified_on(locked, using), days, detail)
        elif handling == Handling.APPEAL:
            locked.state = CaseState.APPEALED
            locked.due_on = deadline(local_day(now), settings.CASE_APPEAL_DAYS, detail)
        else:
            locked.state = (CaseState.RECTIFIED if handling == Handling.FIX_NOW
                            else CaseState.EXPLAINED)
            locked.due_on = deadline(local_day(now), settings.CASE_FEEDBACK_DAYS, detail)
        return ["handled"]
    return _step(case, user, "handle", text,
                 {"handling": handling, "days": days, "public": _public(public)}, change,
                 now, using)


def rectified(case: RatingCase, user: Any, text: str, *, public: str = "",
              now: datetime | None = None, using: str = "default") -> RatingCase:
    """The rectification by a deadline is done: what was changed, and what of it may be
    published (``public``, as for handle)."""
    def change(locked: RatingCase, now: datetime, detail: dict[str, Any]) -> list[str]:
        locked.state = CaseState.RECTIFIED
        locked.due_on = deadline(local_day(now), settings.CASE_FEEDBACK_DAYS, detail)
        return ["rectified"]
    return _step(case, user, "rectified", text, {"public": _public(public)}, change, now,
                 using)


def decide_appeal(case: RatingCase, user: Any, upheld: bool, text: str, *,
                  now: datetime | None = None, using: str = "default") -> RatingCase:
    """The review of an appeal: upheld, the rating was mistaken or malicious, the case
    closes and the rating is left out of the published rates (figures.py); rejected, the
    case goes back to be handled."""
    def change(locked: RatingCase, now: datetime, detail: dict[str, Any]) -> list[str]:
        locked.appeal_upheld = upheld
        if upheld:
            _close(locked, now)
            return ["appeal_upheld"]
        locked.state = CaseState.VERIFIED
        locked.handling = ""
        locked.due_on = deadline(local_day(now), rectify_choices()[0], detail)
        return ["appeal_rejected"]
    return _step(case, user, "decide_appeal", text, {"upheld": upheld}, change, now, using)


def feed_back(case: RatingCase, user: Any, how: str, text: str, *,
              now: datetime | None = None, using: str = "default") -> RatingCase:
    """The resident told what was done, and how; "not reachable" is a step too."""
    if how not in FeedbackWay.values:
        raise CaseRefused(_("Choose how the resident was told."))

    def change(locked: RatingCase, now: datetime, detail: dict[str, Any]) -> list[str]:
        locked.state = CaseState.FED_BACK
        locked.due_on = deadline(local_day(now), settings.CASE_REVISIT_DAYS, detail)
        return ["fed_back"]
    return _step(case, user, "feed_back", text, {"how": how}, change, now, using)


def revisit(case: RatingCase, user: Any, result: str, text: str, *,
            now: datetime | None = None, using: str = "default") -> RatingCase:
    """The return visit: satisfied, basically satisfied or not reached closes the case;
    still dissatisfied sends it back to verified for another round (a "reopened" step)."""
    if result not in RevisitResult.values:
        raise CaseRefused(_("Choose what the resident said on the return visit."))

    def change(locked: RatingCase, now: datetime, detail: dict[str, Any]) -> list[str]:
        locked.revisit = result
        if result != RevisitResult.DISSATISFIED:
            _close(locked, now)
            return ["revisited"]
        locked.state = CaseState.VERIFIED
        locked.handling = ""
        locked.due_on = deadline(local_day(now), rectify_choices()[0], detail)
        return ["revisited", "reopened"]
    return _step(case, user, "revisit", text, {"result": result}, change, now, using)


# -- how a step is taken ---------------------------------------------------------------------

# The states each step is taken from, and how far along the way each state is: a step asked
# of a case further along was already taken.
WAITS_IN = {"verify": {CaseState.RECEIVED}, "handle": {CaseState.VERIFIED},
            "rectified": {CaseState.RECTIFYING}, "decide_appeal": {CaseState.APPEALED},
            "feed_back": {CaseState.RECTIFIED, CaseState.EXPLAINED},
            "revisit": {CaseState.FED_BACK}}
PROGRESS = {CaseState.RECEIVED: 0, CaseState.VERIFIED: 1, CaseState.RECTIFYING: 2,
            CaseState.APPEALED: 2, CaseState.RECTIFIED: 3, CaseState.EXPLAINED: 3,
            CaseState.FED_BACK: 4, CaseState.CLOSED: 5}
Change = Callable[[RatingCase, datetime, dict[str, Any]], list[str]]


def _step(case: RatingCase, user: Any, verb: str, text: str, detail: dict[str, Any],
          change: Change, now: datetime | None, using: str) -> RatingCase:
    now = now or timezone.now()
    detail = {key: value for key, value in detail.items() if value is not None}
    with transaction.atomic(using=using):
        locked = RatingCase.objects.using(using).select_for_update().get(pk=case.pk)
        if locked.state not in WAITS_IN[verb]:
            raise CaseRefused(refusal(verb, locked))
        actions = change(locked, now, detail)
        locked.escalated_on = None              # a new deadline, not escalated yet
        locked.save(using=using, update_fields=[
            "state", "due_on", "handling", "revisit", "appeal_upheld", "escalated_on",
            "closed_at"])
        name = user.get_username() if user is not None else SYSTEM
        for action in actions:
            CaseStep.objects.using(using).create(
                case=locked, action=action, user=user, username=name, at=now,
                text=text if action == actions[0] else "", detail=detail,
                due_on=locked.due_on)
        terminal = Rating.objects.using(using).select_related("terminal").get(
            pk=locked.rating_id).terminal
        record(user, f"rating_case.{actions[-1]}", terminal, using=using,
               case=locked.number, state=locked.state, text=text,
               due_on=locked.due_on.isoformat() if locked.due_on else None, **detail)
    for field in ("state", "due_on", "handling", "revisit", "appeal_upheld", "escalated_on",
                  "closed_at"):
        setattr(case, field, getattr(locked, field))
    return case


def refusal(verb: str, case: RatingCase) -> str:
    """Why ``verb`` cannot be done to the case now, in words."""
    if case.state == CaseState.CLOSED:
        return _("This bad-rating case is closed already; nothing was changed.")
    state = CaseState(case.state).label
    here, wanted = PROGRESS[CaseState(case.state)], min(PROGRESS[s] for s in WAITS_IN[verb])
    if here < wanted:
        return _("This bad-rating case is not at that step yet. It is now: %(state)s.") % {
            "state": state}
    if here == wanted:          # the other branch: being rectified, or appealed
        return _("This bad-rating case is not waiting for that step. It is now: "
                 "%(state)s.") % {"state": state}
    already = {
        "verify": _("This bad-rating case has already been verified. It is now: %(state)s."),
        "handle": _("This bad-rating case has already been handled. It is now: %(state)s."),
        "rectified": _("The rectification of this case has already been recorded. It is "
                       "now: %(state)s."),
        "decide_appeal": _("The appeal of this case has already been decided. It is now: "
                           "%(state)s."),
        "feed_back": _("The resident has already been told about this case. It is now: "
                       "%(state)s."),
        "revisit": _("This case's return visit has already been recorded. It is now: "
                     "%(state)s."),
    }[verb]
    return already % {"state": state}


def _public(text: str) -> str | None:
    """The words for the public page, or None (left out of the step) when none were written."""
    return text.strip() or None


def _close(case: RatingCase, now: datetime) -> None:
    case.state = CaseState.CLOSED
    case.due_on = None
    case.closed_at = now


def _verified_on(case: RatingCase, using: str) -> date:
    """The day the case last became verified (verified, reopened, or its appeal rejected),
    from which a rectification's working days count."""
    step = CaseStep.objects.using(using).filter(
        case=case, action__in=["verified", "reopened", "appeal_rejected"]).order_by(
        "-at", "-pk").first()
    return local_day(step.at) if step is not None else local_day(case.opened_at)
