"""One pass of the notifier: record what needs telling, then mail what is due. Any number
of notifiers may run; each notice is recorded once and each mail claimed once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation

from center.notifications.detect import (
    notice_assignments,
    notice_escalations,
    notice_help_calls,
    notice_new_alarms,
)
from center.notifications.mail import send_due_mail
from center.notifications.outages import center_is_receiving, follow_outages
from center.ratings.escalation import escalate_overdue


@dataclass
class PassTotals:
    alarms: int = 0
    escalations: int = 0
    assignments: int = 0
    offline: int = 0
    reminders: int = 0
    online: int = 0
    help_calls: int = 0
    rating_cases: int = 0
    mailed: int = 0
    mail_failures: int = 0
    receiving: bool = True

    @property
    def anything(self) -> bool:
        """Whether the pass told or mailed anything (worth a log line)."""
        return any(value for name, value in vars(self).items()
                   if name != "receiving" and value)

    def __str__(self) -> str:
        return (f"told: {self.alarms} alarms, {self.escalations} escalations, "
                f"{self.assignments} assignments, {self.offline} offline, "
                f"{self.reminders} still offline, {self.online} back online, "
                f"{self.help_calls} calls for help, {self.rating_cases} overdue bad-rating "
                f"cases; mailed {self.mailed}, "
                f"{self.mail_failures} failed" +
                ("" if self.receiving else "; ingest not receiving: outages not followed"))


def run_once(now: datetime | None = None, using: str = "default") -> PassTotals:
    now = now or timezone.now()
    totals = PassTotals()
    # Notices keep their facts; words like a help call's screen name are the center's.
    with translation.override(settings.LANGUAGE_CODE):
        totals.alarms = notice_new_alarms(now, using)
        totals.escalations = notice_escalations(
            now, timedelta(minutes=settings.ALARM_ESCALATE_AFTER_MIN), using)
        totals.assignments = notice_assignments(now, using)
        totals.receiving = center_is_receiving(now, using)
        outages = follow_outages(now, timedelta(minutes=settings.OFFLINE_REMIND_MIN),
                                 receiving=totals.receiving, using=using)
        totals.offline, totals.reminders, totals.online = (outages.opened, outages.reminded,
                                                           outages.closed)
        if using == "default":
            totals.help_calls = notice_help_calls(now)
        # Deadlines are days in the center's time zone (center/ratings/cases.py).
        totals.rating_cases = escalate_overdue(
            timezone.localtime(now, timezone.get_default_timezone()).date(), using, now)
    mail = send_due_mail(now, using)
    totals.mailed, totals.mail_failures = mail.sent, mail.failed
    return totals
